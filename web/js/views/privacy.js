// «Политика обработки персональных данных» (152-ФЗ ст. 18.1): the operator's policy and the consent
// text in force, as GET /api/policy gives them (the operator's facts are the template's parameters).

import * as api from '../api.js';
import { el, loading, message, pageTitle } from '../dom.js';

export async function render(root, { signal }) {
  const body = el('div', { class: 'policy' }, loading());
  root.append(...pageTitle('Политика обработки персональных данных'), body);
  try {
    const policy = await api.get('/api/policy', { signal, auth: false });
    body.replaceChildren(
      el('p', { class: 'muted' }, `Редакция от ${policy.version.split('-').reverse().join('.')}. Оператор: ${policy.operator_name}, ИНН ${policy.operator_inn}, ${policy.operator_address}. Данные хранятся: ${policy.storage_place}.`),
      ...policy.sections.map((section) =>
        el('section', { class: 'card policy-section' }, el('h2', {}, section.title), section.paragraphs.map((text) => el('p', {}, text))),
      ),
      el(
        'section',
        { class: 'card policy-section', 'aria-labelledby': 'policy-consent' },
        el('h2', { id: 'policy-consent' }, 'Текст согласия'),
        el('p', {}, policy.consent.text),
      ),
    );
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    body.replaceChildren(message(error.detail || 'Не удалось загрузить текст политики. Обновите страницу.', 'error'));
  }
}
