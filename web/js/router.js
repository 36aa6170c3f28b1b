// Hash routing (#/requests, #/readings/manual, #/requests/42?tab=history) to view modules loaded on demand.
//
// A view module exports `render(root, ctx)` (may be async) and may return a cleanup function.
// root is an empty element already in <main>; ctx = {route, params, query, signal, navigate}.
// signal aborts when the user leaves the page (pass it to api calls). The page's <h1> should come
// from dom.js pageTitle() so that the router can focus it after navigation.

import * as session from './session.js';
import { routes } from './routes.js';

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
  controller?.abort();
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  controller = new AbortController();
  const { path, query } = location();
  const { route, params } = match(path);
  const allowed = route.public || session.isAuthenticated();
  const viewName = !session.isAuthenticated() && route.guestView ? route.guestView : allowed ? route.view : 'public';
  for (const fn of listeners) fn({ route, allowed });

  const module = await load(viewName);
  if (mine !== generation) return;
  const root = document.createElement('div');
  root.className = `view view-${viewName || 'pending'}`;
  host.replaceChildren(root);
  host.setAttribute('aria-busy', 'true');
  document.title = route.path === '/' ? `${APP_NAME} — Сетевая компания` : `${route.title} — ${APP_NAME}`;
  const ctx = { route, params, query, signal: controller.signal, navigate };
  try {
    cleanup = await module.render(root, ctx);
  } catch (error) {
    if (mine !== generation || error?.name === 'AbortError' || error?.expired) return;
    console.warn(error);
    const box = document.createElement('div');
    box.className = 'alert alert-error';
    box.setAttribute('role', 'alert');
    box.textContent = error?.detail || 'Не удалось открыть раздел. Обновите страницу или повторите попытку позже.';
    root.append(box);
  } finally {
    if (mine === generation) host.removeAttribute('aria-busy');
  }
  if (mine === generation && focus) focusHeading(root);
}

/** Starts routing into `element`. */
export function start(element) {
  host = element;
  window.addEventListener('hashchange', () => {
    if (window.location.hash !== '' && !window.location.hash.startsWith('#/')) return;
    const focus = nextFocus ?? true;
    nextFocus = null;
    render({ focus });
  });
  return render();
}

export { routes };
