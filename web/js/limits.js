// Length limits that keep a paste whole (maxlength cuts it silently).

import { ApiError } from './api.js';
import { el } from './dom.js';

const n = (x) => x.toLocaleString('ru-RU');

/** Throws the refusal of each of the form's controls longer than its limit. */
export function checkLengths(form) {
  const errors = [...form.elements]
    .filter((c) => c.name && !c.disabled && c.value?.length > c.dataset.maxlength)
    .map((c) => ({ field: c.name, message: `Сократите текст: не больше ${n(+c.dataset.maxlength)} символов, сейчас ${n(c.value.length)}.` }));
  if (errors.length) throw new ApiError(422, { errors });
}

/** control's maxlength → data-maxlength; returns its counter (or null). */
export function limitLength(control, counted) {
  const limit = +control.getAttribute('maxlength');
  if (!limit) return null;
  control.removeAttribute('maxlength');
  control.dataset.maxlength = limit;
  if (!counted) return null;
  const counter = el('p', { class: 'hint counter', id: `${control.id}-count` });
  const update = () => {
    counter.textContent = `${n(control.value.length)} из ${n(limit)} символов`;
    counter.classList.toggle('is-over', control.value.length > limit);
  };
  control.addEventListener('input', update);
  update();
  control.setAttribute('aria-describedby', `${control.getAttribute('aria-describedby') || ''} ${counter.id}`.trim());
  return counter;
}
