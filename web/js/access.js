// The header's access form: «Вход» and «Регистрация» tabs (links to their panels before this loads).

import * as api from './api.js';
import * as session from './session.js';
import { bindForm, clearErrors } from './forms.js';

const $ = (id) => document.getElementById(id);

/** What «Отправить код ещё раз» can honestly say: the API answers the same whether a mail goes. */
export const RESENT = 'Новый код заменяет прежний. На один адрес уходит не больше нескольких писем в час: если письма нет и после этого, проверьте папку «Спам» или запросите код через час.';

function selectTab(tab, { focus = false } = {}) {
  for (const other of document.querySelectorAll('#access [role="tab"]')) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
  if (focus) tab.focus();
}

function setupTabs() {
  const tabs = [...document.querySelectorAll('#access [role="tab"]')];
  for (const tab of tabs) {
    tab.addEventListener('click', (event) => {
      event.preventDefault();
      selectTab(tab);
    });
    tab.addEventListener('keydown', (event) => {
      const index = tabs.indexOf(tab);
      const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      selectTab(tabs[(next + tabs.length) % tabs.length], { focus: true });
    });
  }
}

/** Shows the field of the chosen category (ФИО or название организации); only that one is sent. */
function syncCategory(form) {
  const category = form.elements.namedItem('category').value || 'individual';
  for (const wrapper of form.querySelectorAll('[data-category]')) {
    const active = wrapper.dataset.category === category;
    wrapper.hidden = !active;
    for (const control of wrapper.querySelectorAll('input, select, textarea')) control.disabled = !active;
  }
}

/** A message above the login form: tone 'info' or 'warning'; an empty text hides it. */
export function setNotice(text, tone = 'info') {
  const notice = $('access-notice');
  notice.textContent = text || '';
  notice.className = `notice notice-${tone}`;
  notice.hidden = !text;
}

// «Забыли пароль?»: the email, then the mailed code and the new password.
function showForgot(on, email = '') {
  $('login-form').hidden = on;
  $('forgot').hidden = !on;
  if (!on) return;
  for (const form of [$('forgot-form'), $('reset-form')]) {
    form.reset();
    clearErrors(form);
  }
  $('forgot-form').hidden = false;
  $('reset-form').hidden = true;
  $('forgot-form').elements.namedItem('email').value = email;
  setNotice('');
  $('forgot-title').focus();
}

function setupForgot() {
  $('forgot-button').addEventListener('click', () =>
    showForgot(true, $('login-form').elements.namedItem('email').value),
  );
  $('forgot-back').addEventListener('click', () => showLogin());
  const ask = $('forgot-form');
  const reset = $('reset-form');
  bindForm(ask, async (data) => {
    await api.post('/api/auth/forgot-password', data, { auth: false });
    ask.hidden = true;
    reset.hidden = false;
    reset.elements.namedItem('email').value = data.email;
    setNotice(`Если адрес ${data.email} зарегистрирован, на него отправлено письмо с кодом: введите код и новый пароль. Если учётная запись с этим адресом удалена, кода не будет — письмо скажет, когда адрес можно зарегистрировать снова.`);
    reset.elements.namedItem('code').focus();
  });
  $('reset-resend').addEventListener('click', async (event) => {
    const email = reset.elements.namedItem('email').value;
    const button = event.currentTarget;
    button.disabled = true;
    try {
      await api.post('/api/auth/forgot-password', { email }, { auth: false });
      setNotice(`Если адрес ${email} зарегистрирован, на него отправлен новый код. ${RESENT}`);
    } catch (error) {
      setNotice(error.detail, 'warning');
    } finally {
      button.disabled = false;
    }
  });
  bindForm(reset, async (data) => {
    await api.post('/api/auth/reset-password', data, { auth: false });
    showLogin({ message: 'Пароль изменён. Войдите с новым паролем.', email: data.email });
  });
}

/** Opens the «Вход» tab, optionally with a message and a prefilled email, and focuses the form. */
export function showLogin({ message = '', tone = 'info', email = '' } = {}) {
  selectTab($('tab-login'));
  showForgot(false);
  const form = $('login-form');
  clearErrors(form);
  if (email) form.elements.namedItem('email').value = email;
  setNotice(message, tone);
  const target = form.elements.namedItem(form.elements.namedItem('email').value ? 'password' : 'email');
  target.focus();
}

/** Opens the «Регистрация» tab and focuses its first field. */
export function showRegister() {
  selectTab($('tab-register'));
  $('register-form').querySelector('input:checked, input').focus();
}

/** Empties both forms (after logout nothing typed before should remain). */
export function resetAccess() {
  for (const form of [$('login-form'), $('register-form'), $('forgot-form'), $('reset-form')]) {
    form.reset();
    clearErrors(form);
  }
  showForgot(false);
  syncCategory($('register-form'));
  setNotice('');
}

export function setupAccess() {
  setupTabs();
  // «Регистрация» clicked before the scripts had loaded.
  if (window.location.hash === '#panel-register') {
    window.history.replaceState(null, '', window.location.pathname);
    selectTab($('tab-register'));
  } else selectTab($('tab-login'));
  setupForgot();

  const register = $('register-form');
  register.addEventListener('change', (event) => {
    if (event.target.name === 'category') syncCategory(register);
  });
  syncCategory(register);
  bindForm(register, async (data) => {
    // The consent text's version shown (152-ФЗ ст. 9).
    const consentVersion = $('reg-consent-text').dataset.version;
    await api.post('/api/auth/register', { ...data, consent_version: consentVersion }, { auth: false });
    register.reset();
    syncCategory(register);
    showLogin({
      // The same answer for every address (nobody learns who is registered); the mail says which case it is.
      message: `Письмо отправлено на ${data.email}. Если адрес новый, в письме пароль: введите его, чтобы войти. Если адрес уже зарегистрирован или учётная запись с ним удалена, письмо скажет, что делать: удалённую можно зарегистрировать снова, когда её данные будут стёрты (в течение суток после удаления).`,
      email: data.email,
    });
  });

  const login = $('login-form');
  bindForm(login, async (data) => {
    const tokens = await api.post('/api/auth/login', data, { auth: false });
    login.reset();
    setNotice('');
    session.save(tokens, 'login');
  });
}
