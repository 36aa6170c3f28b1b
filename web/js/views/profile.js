// «Профиль»: the consumer's registration data, their changes, the password change form, the data
// export and the deletion of the account (152-ФЗ: ст. 14, ст. 21).

import * as api from '../api.js';
import * as session from '../session.js';
import { el, loading, message, pageTitle } from '../dom.js';
import { RESENT, showLogin } from '../access.js';
import { bindForm } from '../forms.js';
import { formatDate, formatPhone } from '../format.js';

const CATEGORIES = { individual: 'Физическое лицо', legal: 'Юридическое лицо' };

function passwordField(name, label, autocomplete, hint, id = `profile-${name.replace(/_/g, '-')}`) {
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
    ['Согласие на обработку персональных данных', `дано ${formatDate(profile.consent_given_at)}, редакция от ${profile.consent_text_version.split('-').reverse().join('.')}`],
  ];
  return el(
    'dl',
    { class: 'details' },
    rows.map(([term, value]) => el('div', { class: 'details-row' }, el('dt', {}, term), el('dd', {}, value || '—'))),
  );
}

function textField(name, label, value, props = {}) {
  const id = `profile-edit-${name.replace(/_/g, '-')}`;
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id, class: 'required' }, label),
    el('input', { id, name, type: 'text', value: value || '', required: true, ...props }),
  );
}

function editForm(profile, onChanged) {
  const name =
    profile.category === 'legal'
      ? textField('org_name', 'Название организации', profile.org_name, { autocomplete: 'organization' })
      : textField('full_name', 'ФИО', profile.full_name, { autocomplete: 'name' });
  const form = el(
    'form',
    { id: 'profile-edit-form', class: 'form', method: 'post', novalidate: true },
    name,
    textField('phone', 'Телефон', formatPhone(profile.phone), { type: 'tel', inputmode: 'tel', autocomplete: 'tel' }),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Сохранить изменения'),
  );
  bindForm(form, async (data) => {
    const changed = await api.request('/api/profile', { method: 'PATCH', body: data });
    onChanged(changed);
    return 'Данные сохранены, письмо об этом отправлено.';
  });
  return form;
}

/** «Письма об отключениях»: whether the portal mails the consumer about outages at their objects. */
function outageMailsForm(profile) {
  const box = el('input', { id: 'profile-outage-mails', name: 'outage_mails', type: 'checkbox' });
  box.checked = profile.outage_mails !== false;
  const form = el(
    'form',
    { id: 'outage-mails-form', class: 'form', method: 'post', novalidate: true },
    el('div', { class: 'field check' }, box, el('label', { for: 'profile-outage-mails' }, 'Присылать письма об отключениях электроэнергии на моих объектах')),
    el('button', { type: 'submit', class: 'btn btn-secondary' }, 'Сохранить'),
  );
  bindForm(form, async (data) => {
    const changed = await api.request('/api/profile', { method: 'PATCH', body: data });
    return changed.outage_mails ? 'Письма об отключениях будут приходить.' : 'Письма об отключениях больше не придут.';
  });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'profile-outage-mails-title' },
    el('h2', { id: 'profile-outage-mails-title' }, 'Письма об отключениях'),
    el('p', { class: 'muted' }, 'Об отключении по адресу вашего объекта из «Мои объекты»: о плановом — накануне, об аварийном — когда меняется ожидаемое время восстановления.'),
    form,
  );
}

function exportButton() {
  const status = el('p', { class: 'muted', role: 'status' });
  const button = el('button', { type: 'button', class: 'btn btn-secondary', id: 'export-button' }, 'Скачать мои данные');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const data = await api.get('/api/profile/export');
      const link = el('a', {
        href: URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' })),
        download: 'moi-dannye.json',
      });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(link.href), 9000);
    } catch (error) {
      if (error?.expired) throw error;
      status.textContent = error.detail || 'Не удалось подготовить файл.';
    } finally {
      button.disabled = false;
    }
  });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'profile-export' },
    el('h2', { id: 'profile-export' }, 'Мои данные'),
    el('p', { class: 'muted' }, 'Всё, что кабинет хранит о вас, одним файлом JSON — или ', el('a', { href: '#/profile/data', id: 'my-data-link' }, 'страницей, которую можно прочитать и распечатать'), '.'),
    button,
    status,
  );
}

/**
 * The change of the email (the login), in two steps: the new address and the current password, then
 * the code mailed to the new address. The server then ends every session: the login form opens with
 * the new address filled in.
 */
function emailSection() {
  const askForm = el(
    'form',
    { id: 'email-form', class: 'form', method: 'post', novalidate: true },
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'profile-new-email', class: 'required' }, 'Новый адрес электронной почты'),
      el('input', { id: 'profile-new-email', name: 'new_email', type: 'email', autocomplete: 'email', required: true, inputmode: 'email' }),
    ),
    passwordField('password', 'Текущий пароль', 'current-password', null, 'profile-email-password'),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Получить код'),
  );
  const codeForm = el(
    'form',
    { id: 'email-code-form', class: 'form', method: 'post', novalidate: true, hidden: true },
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'profile-email-code', class: 'required' }, 'Код из письма'),
      el('input', { id: 'profile-email-code', name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, required: true, 'aria-describedby': 'profile-email-code-hint' }),
      el('p', { class: 'hint', id: 'profile-email-code-hint' }, '6 цифр из письма, пришедшего на новый адрес. Код действует 15 минут.'),
    ),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Подтвердить новый адрес'),
  );
  let newEmail = '';
  let asked = null; // kept for «Отправить код ещё раз» until the code is confirmed
  bindForm(askForm, async (data) => {
    const answer = await api.post('/api/profile/email', data);
    newEmail = data.new_email.trim();
    asked = data;
    askForm.elements.namedItem('password').value = '';
    codeForm.hidden = false;
    codeForm.elements.namedItem('code').focus();
    return `${answer.detail} Адрес: ${newEmail}. Если письма нет, проверьте адрес и папку «Спам» или отправьте код ещё раз.`;
  });
  const resent = el('p', { class: 'hint', role: 'status' });
  codeForm.append(
    el('p', { class: 'form-note' }, 'Письма нет? ', el('button', {
      type: 'button',
      class: 'link-button',
      id: 'email-code-resend',
      onclick: async () => {
        try {
          await api.post('/api/profile/email', asked);
          resent.textContent = `Код отправлен ещё раз на ${newEmail}. ${RESENT}`;
        } catch (error) {
          if (error?.expired) throw error;
          resent.textContent = error.detail;
        }
      },
    }, 'Отправить код ещё раз')),
    resent,
  );
  bindForm(codeForm, async (data) => {
    await api.post('/api/profile/email/confirm', data);
    asked = null;
    const message = 'Адрес электронной почты изменён: войдите с новым адресом. На прежний адрес отправлено уведомление.';
    session.clear('email-changed');
    showLogin({ email: newEmail, message });
    return undefined;
  });
  return el(
    'section',
    { class: 'card', 'aria-labelledby': 'profile-email' },
    el('h2', { id: 'profile-email' }, 'Изменить электронную почту'),
    el('p', { class: 'muted' }, 'Адрес электронной почты — имя для входа в кабинет. На новый адрес придёт код подтверждения; после смены все сеансы завершатся, на прежний адрес придёт уведомление.'),
    askForm,
    codeForm,
  );
}

/** Withdrawal of consent: the account is deleted, confirmed by the password, after a clear warning. */
function deletionSection() {
  const form = el(
    'form',
    { id: 'delete-account-form', class: 'form', method: 'post', novalidate: true },
    passwordField('password', 'Пароль для подтверждения', 'current-password', null, 'delete-account-password'),
    el('button', { type: 'submit', class: 'btn btn-danger' }, 'Удалить учётную запись'),
  );
  bindForm(form, async (data) => {
    // The password is checked first (a sign-in with it, which renews this session): «Это не
    // отменить» is asked only of a password that will delete the account.
    try {
      session.save(await api.post('/api/auth/login', { email: session.email(), password: data.password }, { auth: false }), 'refresh');
    } catch (error) {
      if (error?.errors) error.errors = error.errors.map((e) => (/Неверный/.test(e.message) ? { field: 'password', message: 'Пароль указан неверно.' } : e));
      throw error;
    }
    if (!window.confirm('Удалить учётную запись? Это не отменить.')) return undefined;
    await api.request('/api/profile', { method: 'DELETE', body: data, expire: false });
    session.clear('deleted');
    return undefined;
  });
  return el(
    'section',
    { class: 'card danger-zone', 'aria-labelledby': 'profile-delete' },
    el('h2', { id: 'profile-delete' }, 'Удаление учётной записи'),
    el('p', { class: 'alert alert-warning' }, 'Это отзыв согласия на обработку персональных данных. Войти в кабинет будет нельзя сразу и навсегда. В течение 30 дней будут удалены ФИО или название, адрес электронной почты, телефон и данные АСКУЭ; заявки и показания сохранятся обезличенными для учёта компании (не менее 5 лет).'),
    form,
  );
}

/** The mark SES's bounce or complaint left on the address (functions/auth/mail_bounces.py). */
function undeliverable(profile) {
  if (!profile.mail_undeliverable_since) return [];
  return [
    el(
      'p',
      { class: 'notice notice-warning', role: 'status', id: 'profile-mail-undeliverable' },
      `Письма на этот адрес не доставляются (с ${formatDate(profile.mail_undeliverable_since)}): почтовый сервер их отвергает или письмо отмечено как спам. Портал больше не пишет на ${profile.email} — укажите другой адрес электронной почты.`,
    ),
  ];
}

export async function render(root, { signal, query }) {
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
    let shown = details(profile);
    const replaceShown = (changed) => {
      const next = details(changed);
      shown.replaceWith(next);
      shown = next;
    };
    const edit = el(
      'section',
      { class: 'card', 'aria-labelledby': 'profile-edit' },
      el('h2', { id: 'profile-edit' }, 'Изменить данные'),
      editForm(profile, replaceShown),
    );
    data.querySelector('.loading').replaceWith(...undeliverable(profile), shown);
    const deletion = deletionSection();
    root.append(el('div', { class: 'grid-2' }, edit, emailSection()), el('div', { class: 'grid-2' }, exportButton(), outageMailsForm(profile)), deletion);
    // Refusing the new consent text (views/consent.js) is this deletion.
    if (query?.get('delete')) {
      deletion.querySelector('.alert').before(
        el('p', { class: 'notice notice-info', id: 'profile-refused-consent', role: 'status' }, 'Вы не приняли новую редакцию согласия: чтобы отозвать согласие, удалите учётную запись.'),
      );
      deletion.scrollIntoView({ block: 'start' });
      deletion.querySelector('input[type=password]').focus();
    }
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    data.querySelector('.loading').replaceWith(message(error.detail || 'Не удалось загрузить профиль.', 'error'));
  }
}
