// The site's entry point: header state (guest or signed in), logout, main menu and routing.

import * as api from './api.js';
import * as session from './session.js';
import * as router from './router.js';
import { resetAccess, setNotice, setupAccess, showLogin } from './access.js';

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
  for (const link of document.querySelectorAll('#main-nav a')) {
    const target = link.getAttribute('href').slice(1);
    const current = target === '/' ? path === '/' : path === target || path.startsWith(`${target}/`);
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
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

function main() {
  applyAuthState();
  setupAccess();

  // A printed page says when it was printed (print.css shows it under the company's name).
  addEventListener('beforeprint', () => {
    $('main').dataset.printed = `Напечатано ${new Intl.DateTimeFormat('ru-RU', { dateStyle: 'short', timeStyle: 'short', timeZone: 'Europe/Moscow' }).format(new Date())} МСК`;
  });
  // A file link's presigned URL may have expired while the page stood open: fresh-links.js checks,
  // and fetches a new one instead of failing.
  document.addEventListener('click', (event) => {
    const link = event.target.closest?.('a[download][href*="X-Amz-Expires"]');
    if (!link || link.dataset.checked) return;
    event.preventDefault();
    import('./fresh-links.js').then((m) => m.follow(link, router.render));
  });

  $('logout-button').addEventListener('click', (event) => logOut(event.currentTarget));
  document.querySelector('.skip-link').addEventListener('click', (event) => {
    event.preventDefault();
    $('main').focus();
  });

  router.onNavigate(({ route, allowed }) => {
    markCurrentMenuItem(route);
    if (!allowed) setNotice(`Войдите, чтобы открыть раздел «${route.title}».`);
  });

  session.onChange(({ reason }) => {
    applyAuthState();
    if (reason === 'refresh') return;
    if (reason === 'login') {
      router.render({ focus: true });
    } else if (reason === 'deleted') {
      resetAccess();
      router.navigate('/', { focus: false });
      showLogin({ message: 'Учётная запись удалена. Подтверждение отправлено на ваш email.' });
    } else if (reason === 'email-changed') {
      // The email (the login) changed and every session ended: the profile page opens the login
      // form with the new address.
      resetAccess();
      router.navigate('/', { focus: false });
    } else if (reason === 'expired') {
      router.render();
      showLogin({ message: api.SESSION_EXPIRED, tone: 'warning' });
    } else {
      resetAccess();
      router.navigate('/', { focus: false });
      showLogin({ message: 'Вы вышли из личного кабинета.' });
    }
  });

  router.start($('view'));
  // Every control of the page is bound from here on (the browser tests wait for it after loading).
  document.documentElement.dataset.app = 'ready';
}

main();
