// A question asked on the page before an action that cannot be taken back (removing an object, a
// reading): the action's buttons give way to the question, «Да, …» and «Отмена».

import { el, message } from './dom.js';

/** Asks on the page (not a browser dialog) before `act`; its error shows in the question. */
export function askFirst(actions, question, yes, act) {
  const shown = [...actions.childNodes];
  const ask = el('p', { class: 'ask-text' }, question);
  const box = el('div', { class: 'ask', role: 'group', 'aria-label': question });
  const restore = () => {
    actions.replaceChildren(...shown);
    shown[shown.length - 1]?.focus();
  };
  const confirm = el('button', { type: 'button', class: 'btn btn-danger' }, yes);
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      await act();
    } catch (error) {
      if (error?.expired) throw error;
      box.querySelector('.alert')?.remove();
      box.append(message(error.detail || 'Не удалось. Повторите попытку.', 'error'));
      confirm.disabled = false;
    }
  });
  box.append(ask, el('div', { class: 'ask-actions' }, confirm, el('button', { type: 'button', class: 'btn btn-secondary', onclick: restore }, 'Отмена')));
  actions.replaceChildren(box);
  confirm.focus();
}

