// The consent text changed since the consumer accepted theirs: the new one is shown and must be
// accepted (POST /api/profile/consent, recorded like the first: version, time, hash) or refused,
// which is the withdrawal of consent: the profile's account deletion (152-ФЗ ст. 9 ч. 2, ст. 21 ч. 5).

import * as api from '../api.js';
import { accepted } from '../consent.js';
import { el, loading, message, pageTitle } from '../dom.js';
import { bindForm } from '../forms.js';

const russianDate = (version) => version.split('-').reverse().join('.');

export async function render(root, { signal, navigate }) {
  const body = el('div', { class: 'consent-update' }, loading());
  root.append(...pageTitle('Обновлён текст согласия на обработку персональных данных'), body);
  const [policy, profile] = await Promise.all([api.get('/api/policy', { signal, auth: false }), api.get('/api/profile', { signal })]);
  const form = el(
    'form',
    { id: 'consent-form', class: 'form', novalidate: true },
    el('input', { type: 'hidden', name: 'consent_version', value: policy.consent.version }),
    el(
      'div',
      { class: 'field check' },
      el('input', { id: 'consent-accepted', name: 'accepted', type: 'checkbox', value: 'true', required: true, 'aria-describedby': 'consent-new-text' }),
      el('label', { for: 'consent-accepted', class: 'required' }, 'Даю согласие на обработку персональных данных'),
    ),
    el(
      'div',
      { class: 'form-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, 'Принять и продолжить'),
      el('button', { type: 'button', class: 'btn btn-secondary', id: 'consent-refuse', onclick: () => navigate('/profile?delete=1', { focus: false }) }, 'Не принимаю — удалить учётную запись'),
    ),
  );
  bindForm(form, async (data) => {
    await api.post('/api/profile/consent', data);
    accepted();
    navigate(window.location.hash.slice(1) || '/');
    return undefined;
  });
  body.replaceChildren(
    el(
      'p',
      { class: 'page-lead' },
      `Вы давали согласие в редакции от ${russianDate(profile.consent_text_version)}. Действует редакция от ${russianDate(policy.consent.version)}: прочтите её и примите, чтобы продолжить работу в личном кабинете. Если вы не согласны, удалите учётную запись — это отзыв согласия.`,
    ),
    el(
      'section',
      { class: 'card', 'aria-labelledby': 'consent-new' },
      el('h2', { id: 'consent-new' }, `Текст согласия, редакция от ${russianDate(policy.consent.version)}`),
      el('p', { id: 'consent-new-text' }, policy.consent.text),
      el('p', {}, el('a', { href: '#/privacy' }, 'Политика обработки персональных данных')),
      form,
    ),
  );
  if (!policy.consent.text) body.prepend(message('Не удалось загрузить текст согласия. Обновите страницу.', 'error'));
}
