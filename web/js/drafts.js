// Drafts: what a consumer types into a page's forms is kept in localStorage, per consumer, page and
// form, as they type («Черновик сохранён»), and put back when the page opens again — after «Главная»
// and Back, after a session ended mid-form and a new login, after closing the tab. A successful
// submit forgets the form's draft, «Выйти» every draft of the consumer. Files and passwords are
// never kept. Leaving a changed form loses nothing, so it asks (confirm on another page of the site,
// beforeunload on closing the tab) only when the browser would not keep the draft
// (docs/architecture.md «The session in the browser»).

import * as session from './session.js';

const PREFIX = 'portal.draft|';
const box = (c) => /checkbox|radio/.test(c.type);
const kept = (c) => c.name && !c.disabled && !/file|password|submit|button|hidden/.test(c.type);
const typed = (c) => kept(c) && (box(c) ? c.checked !== c.defaultChecked : c.value !== c.defaultValue);

let owner = '';
let page = '';
const unsaved = new Set(); // forms changed and not kept (storage full or off)

const keyOf = (form) => `${PREFIX}${owner}|${page}|${form.id}`;

function store(key, value) {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
    return true;
  } catch {
    return false; // storage full or off (private mode): the form still works, without a draft
  }
}

function note(form, text) {
  let node = form.querySelector(':scope .draft-note');
  if (!text) return node?.remove();
  if (!node) {
    // Announced politely, but not a `status` role: the form's own status is its outcome.
    node = Object.assign(document.createElement('p'), { className: 'hint draft-note' });
    node.setAttribute('aria-live', 'polite');
    const submit = form.querySelector('[type=submit]');
    if (submit) submit.before(node);
    else form.append(node);
  }
  node.textContent = text;
}

function save(form) {
  const values = [...form.elements].filter(typed).map((c) => [c.name, c.value, box(c) && c.checked]);
  const stored = store(keyOf(form), values.length ? JSON.stringify(values) : '');
  if (stored) unsaved.delete(form);
  else unsaved.add(form);
  note(form, values.length ? (stored ? 'Черновик сохранён' : 'Черновик не сохранён') : '');
}

function restore(form) {
  let values = null;
  try {
    values = JSON.parse(localStorage.getItem(keyOf(form)));
  } catch {
    // Nothing readable to restore.
  }
  // In document order, each with its events: a choice that shows other fields comes first.
  for (const [name, value, ticked] of Array.isArray(values) ? values : []) {
    const radio = [...form.elements].find((c) => c.name === name && c.type === 'radio' && c.value === value);
    const control = radio || form.elements.namedItem(name);
    if (!control || control instanceof RadioNodeList) continue;
    if (box(control)) control.checked = ticked;
    else control.value = value;
    for (const type of ['input', 'change']) control.dispatchEvent(new Event(type, { bubbles: true }));
  }
  if (values?.length) note(form, 'Черновик восстановлен');
}

/** Restores the drafts of the page's forms (at `path`, for the signed-in consumer) and keeps them. */
export function keepDrafts(root, path) {
  unsaved.clear();
  owner = session.email();
  page = path;
  if (!owner) return;
  for (const form of root.querySelectorAll('form[id]')) restore(form);
  const typing = (event) => {
    const form = event.target.form;
    if (form?.id && root.contains(form) && kept(event.target)) save(form);
  };
  root.addEventListener('input', typing);
  root.addEventListener('change', typing);
  // bindForm announces a submit the service accepted: its draft is done.
  root.addEventListener('submitted', (event) => {
    unsaved.delete(event.target);
    store(keyOf(event.target), '');
    note(event.target, '');
  });
}

const losing = () => [...unsaved].some((form) => form.isConnected);

/** True unless leaving would lose what was typed (not kept) and the consumer chooses to stay. */
export function mayLeave() {
  return !losing() || window.confirm('Черновик не сохранён: браузер не даёт места. Уйти со страницы и потерять введённое?');
}

/** Forgets the consumer's drafts (at logout, when the session's email is already gone). */
export function forgetDrafts() {
  unsaved.clear();
  try {
    for (const key of Object.keys(localStorage)) if (key.startsWith(`${PREFIX}${owner}|`)) localStorage.removeItem(key);
  } catch {
    // Storage off: nothing was kept.
  }
}

window.addEventListener('beforeunload', (event) => losing() && event.preventDefault());
