// The site's entry point: header state (guest or signed in), logout, main menu and routing.

import * as api from './api.js';
import * as session from './session.js';
import * as router from './router.js';

// The header's «Вход» / «Регистрация» (access.js): loaded at once for a guest, and for a signed-in
// consumer only when the session ends (a signed-in page does not carry the guest's forms' code).
let accessModule = null;
let accessReady = null;
function access() {
  accessModule ??= import('./access.js').then((module) => {
    module.setupAccess();
    accessReady = module;
    return module;
  });
  return accessModule;
}

const $ = (id) => document.getElementById(id);

function applyAuthState() {
  const inside = session.isAuthenticated();
  $('site-header').classList.toggle('is-guest', !inside);
  $('hero').hidden = inside;
  $('access').hidden = inside;
  $('account').hidden = !inside;
  $('main-nav').hidden = !inside;
  $('account-email').textContent = inside ? session.email() : '';
  $('account-email').title = inside ? session.email() : '';
}

function markCurrentMenuItem(route) {
  const path = route.parent || route.path;
  let title = '';
  for (const link of document.querySelectorAll('#main-nav a')) {
    const target = link.getAttribute('href').slice(1);
    const current = target === '/' ? path === '/' : path === target || path.startsWith(`${target}/`);
    if (current) {
      link.setAttribute('aria-current', 'page');
      title = link.textContent;
    } else link.removeAttribute('aria-current');
  }
  $('nav-current').textContent = title && `: ${title}`;
}

// On a phone the menu is a button that opens the list of sections (css: .nav-toggle).
function openMenu(open) {
  $('nav-toggle').setAttribute('aria-expanded', String(open));
  $('main-nav').classList.toggle('is-open', open);
}

async function logOut(button) {
  button.disabled = true;
  try {
    // Revokes the refresh tokens on the server; the session ends here whatever the answer.
    await api.post('/api/auth/logout', null, { expire: false });
  } catch {
    // Offline or already expired: nothing more to revoke from here.
  } finally {
    button.disabled = false;
  }
  session.clear('logout');
}

async function main() {
  applyAuthState();
  if (!session.isAuthenticated()) await access();

  // A printed page says when it was printed (print.css shows it under the company's name).
  addEventListener('beforeprint', () => {
    $('main').dataset.printed = `Напечатано ${new Intl.DateTimeFormat('ru-RU', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Moscow' }).format(new Date())} МСК`;
  });

  $('logout-button').addEventListener('click', (event) => logOut(event.currentTarget));
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    $('main').focus();
  });

  $('nav-toggle').addEventListener('click', (event) => openMenu(event.currentTarget.ariaExpanded !== 'true'));
  $('main-nav').addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !$('main-nav').classList.contains('is-open')) return;
    openMenu(false);
    $('nav-toggle').focus();
  });

  router.onNavigate(({ route, allowed }) => {
    openMenu(false);
    markCurrentMenuItem(route);
    const notice = `Войдите, чтобы открыть раздел «${route.title}».`;
    // In order: a message shown after this navigation (a session expired) replaces this one.
    if (!allowed && accessReady) accessReady.setNotice(notice);
    else if (!allowed) access().then((a) => a.setNotice(notice));
  });

  session.onChange(({ reason }) => {
    applyAuthState();
    if (reason === 'refresh') return;
    // At once when the access forms are loaded: a page's own message after this (the profile's
    // «войдите с новым адресом») must not be reset by it.
    if (accessReady) afterSessionChange(accessReady, reason);
    else access().then((module) => afterSessionChange(module, reason));
  });

  router.start($('view'));
  // Every control of the page is bound from here on (the browser tests wait for it after loading).
  document.documentElement.dataset.app = 'ready';
}

function afterSessionChange({ resetAccess, showLogin }, reason) {
  if (reason === 'login') {
    router.render({ focus: true });
  } else if (reason === 'deleted') {
    resetAccess();
    router.navigate('/', { focus: false });
    showLogin({ message: 'Учётная запись удалена. Подтверждение отправлено на вашу электронную почту.' });
  } else if (reason === 'email-changed') {
    // The email (the login) changed and every session ended: the profile page opens the login
    // form with the new address and its message (so the forms are not reset here).
    router.navigate('/', { focus: false });
  } else if (reason === 'expired') {
    router.render();
    showLogin({ message: api.SESSION_EXPIRED, tone: 'warning' });
  } else {
    resetAccess();
    router.navigate('/', { focus: false });
    showLogin({ message: 'Вы вышли из личного кабинета.' });
  }
}

main();
