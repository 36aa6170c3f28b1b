// «Профиль»: the consumer's registration data and the password change form.

import * as api from '../api.js';
import * as session from '../session.js';
import { el, loading, message, pageTitle } from '../dom.js';
import { bindForm } from '../forms.js';
import { formatDate, formatPhone } from '../format.js';

const CATEGORIES = { individual: 'Физическое лицо', legal: 'Юридическое лицо' };

function passwordField(name, label, autocomplete, hint) {
  const id = `profile-${name.replace(/_/g, '-')}`;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id, class: 'required' }, label),
    el('input', {
      id,
      name,
      type: 'password',
      autocomplete,
      required: true,
      'aria-describedby': hint ? `${id}-hint` : null,
    }),
    hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  );
}

function passwordForm() {
  const form = el(
    'form',
    { id: 'password-form', class: 'form', method: 'post', novalidate: true },
    passwordField('old_password', 'Старый пароль', 'current-password'),
    passwordField('new_password', 'Новый пароль', 'new-password', 'Пароль должен иметь длину больше 5 символов.'),
    passwordField('new_password_repeat', 'Повторите новый пароль', 'new-password'),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Сохранить'),
  );
  bindForm(form, async (data) => {
    await api.post('/api/profile/password', data);
    form.reset();
    // The server ends every session of the account (refresh tokens are revoked); this tab logs in
    // again with the new password so that it keeps a working session.
    try {
      const tokens = await api.post('/api/auth/login', { email: session.email(), password: data.new_password }, { auth: false });
      session.save(tokens, 'refresh');
    } catch {
      // The current ID token stays valid until it expires; then the login form is shown.
    }
    return 'Пароль изменён. На других устройствах нужно будет войти с новым паролем.';
  });
  return form;
}

function details(profile) {
  const rows = [
    ['Категория', CATEGORIES[profile.category] || profile.category],
    profile.category === 'legal' ? ['Название организации', profile.org_name] : ['ФИО', profile.full_name],
    ['Электронная почта', profile.email],
    ['Телефон', formatPhone(profile.phone)],
    ['Дата регистрации', formatDate(profile.registered_at)],
    ['Согласие на обработку персональных данных', `дано ${formatDate(profile.consent_given_at)}`],
  ];
  return el(
    'dl',
    { class: 'details' },
    rows.map(([term, value]) => el('div', { class: 'details-row' }, el('dt', {}, term), el('dd', {}, value || '—'))),
  );
}

export async function render(root, { signal }) {
  const data = el('section', { class: 'card', 'aria-labelledby': 'profile-data' }, el('h2', { id: 'profile-data' }, 'Данные пользователя'), loading());
  root.append(
    ...pageTitle('Профиль', 'Ваши регистрационные данные и смена пароля пользователя кабинета.'),
    el(
      'div',
      { class: 'grid-2' },
      data,
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'profile-password' },
        el('h2', { id: 'profile-password' }, 'Смена пароля'),
        el('p', { class: 'muted' }, 'Введите старый пароль, новый пароль, повторите новый пароль и нажмите «Сохранить».'),
        passwordForm(),
      ),
    ),
  );
  try {
    const profile = await api.get('/api/profile', { signal });
    data.querySelector('.loading').replaceWith(
      details(profile),
      el('p', { class: 'muted' }, 'Чтобы изменить эти данные, обратитесь в службу поддержки.'),
    );
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    data.querySelector('.loading').replaceWith(message(error.detail || 'Не удалось загрузить профиль.', 'error'));
  }
}
