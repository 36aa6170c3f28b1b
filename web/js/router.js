// Hash routing (#/requests, #/readings/manual, #/requests/42?tab=history) to view modules loaded on demand.
//
// A view module exports `render(root, ctx)` (may be async) and may return a cleanup function.
// root is an empty element already in <main>; ctx = {route, params, query, signal, navigate}.
// signal aborts when the user leaves the page (pass it to api calls). The page's <h1> should come
// from dom.js pageTitle() so that the router can focus it after navigation.

import * as session from './session.js';
import * as consent from './consent.js';
import { routes } from './routes.js';
import { failure, loading } from './dom.js';
import { forgetDrafts, keepDrafts, mayLeave } from './drafts.js';

const APP_NAME = 'Личный кабинет потребителя';
const compiled = routes.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\/:(\w+)/g, '/(?<$1>[^/]+)')}/?$`),
}));
const notFound = { path: '*', view: 'not-found', public: true, title: 'Страница не найдена' };

let host = null;
let generation = 0;
let controller = null;
let cleanup = null;
const listeners = [];

/** The current route path and query from location.hash ('#/a/b?x=1' → {path: '/a/b', query}). */
export function location() {
  const hash = window.location.hash.startsWith('#/') ? window.location.hash.slice(1) : '/';
  const [path, search = ''] = hash.split('?');
  let decoded = path;
  try {
    decoded = decodeURI(path);
  } catch {
    // Keep the raw path when it is not valid percent-encoding.
  }
  return { path: decoded || '/', query: new URLSearchParams(search) };
}

export function match(path) {
  for (const { route, pattern } of compiled) {
    const found = pattern.exec(path);
    if (found) return { route, params: { ...found.groups } };
  }
  return { route: notFound, params: {} };
}

let nextFocus = null;

const passwordToggles = (scope) => scope.querySelector('[type=password]') && import('./password.js').then((m) => m.addPasswordToggles(scope));

session.onChange(({ reason, authenticated }) => {
  if (!authenticated) passwordToggles(document);
  if (/logout|deleted|email-changed/.test(reason)) forgetDrafts();
});

/** Goes to a route: navigate('/readings'); re-renders when it is the current one already.
 * focus (default true): move focus to the new page's heading. */
export function navigate(path, { focus = true } = {}) {
  const target = `#${path}`;
  if (window.location.hash === target) {
    render({ focus });
  } else {
    nextFocus = focus;
    window.location.hash = target;
  }
}

/** Calls fn({route, allowed}) after each navigation; allowed is false when a guest hit a private page. */
export function onNavigate(fn) {
  listeners.push(fn);
}

async function load(name) {
  if (!name) return import('./views/pending.js');
  try {
    return await import(`./views/${name}.js`);
  } catch (error) {
    console.warn(`Раздел «${name}» не загрузился`, error);
    return import('./views/pending.js');
  }
}

function focusHeading(root) {
  const heading = root.querySelector('h1');
  if (heading) {
    if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

/** Renders the current route into the host; focus: move focus to the page heading afterwards. */
export async function render({ focus = false } = {}) {
  const mine = ++generation;
  // Set once a page has drawn (the browser tests wait for it, never for a fixed time).
  delete document.documentElement.dataset.ready;
  controller?.abort();
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  controller = new AbortController();
  const { path, query } = location();
  const { route, params } = match(path);
  const allowed = route.public || session.isAuthenticated();
  let viewName = !session.isAuthenticated() && route.guestView ? route.guestView : allowed ? route.view : 'public';
  for (const fn of listeners) fn({ route, allowed });
  // A consumer who accepted an older consent text sees the new one first (consent.js).
  if (session.isAuthenticated() && !consent.OPEN_WITHOUT_CONSENT.has(route.path)) {
    let asked = false;
    try {
      asked = await consent.required();
    } catch {
      // The session ended: the page itself says so.
    }
    if (mine !== generation) return;
    if (asked) viewName = 'consent';
  }

  // A slow page says so after 0.3 s.
  const indicator = loading();
  host.setAttribute('aria-busy', 'true');
  const slow = setTimeout(() => mine === generation && host.prepend(indicator), 300);
  const module = await load(viewName);
  if (mine !== generation) {
    clearTimeout(slow);
    return;
  }
  const root = document.createElement('div');
  root.className = `view view-${viewName || 'pending'}`;
  host.replaceChildren(...(indicator.isConnected ? [indicator] : []), root);
  document.title = route.path === '/' ? `${APP_NAME} — Сетевая компания` : `${route.title} — ${APP_NAME}`;
  const ctx = { route, params, query, signal: controller.signal, navigate };
  try {
    cleanup = await module.render(root, ctx);
    if (mine === generation) keepDrafts(root, path);
  } catch (error) {
    if (mine !== generation || error?.name === 'AbortError' || error?.expired) return;
    console.warn(error);
    root.append(
      failure(error?.detail || 'Не удалось открыть раздел. Проверьте связь и повторите попытку.', () => render({ focus: true })),
    );
  } finally {
    consent.takeProfile();
    clearTimeout(slow);
    indicator.remove();
    if (mine === generation) host.removeAttribute('aria-busy');
  }
  passwordToggles(root);
  if (mine !== generation) return;
  if (focus) focusHeading(root);
  document.documentElement.dataset.ready = viewName || 'pending';
}

/** Starts routing into `element`. */
export function start(element) {
  host = element;
  if (!session.isAuthenticated()) passwordToggles(document);
  window.addEventListener('hashchange', (event) => {
    if (window.location.hash !== '' && !window.location.hash.startsWith('#/')) return;
    // A changed form asks before the page goes (a menu link, Back); staying puts its address back.
    if (!mayLeave()) {
      nextFocus = null;
      return window.history.replaceState(null, '', event.oldURL);
    }
    const focus = nextFocus ?? true;
    nextFocus = null;
    render({ focus });
  });
  return render();
}

export { routes };
