// Forms: read into JSON, show the API's problem details next to the fields, busy state, success text.

import { ApiError } from './api.js';

const SKIPPED_TYPES = new Set(['submit', 'button', 'reset', 'file', 'fieldset', 'image']);

function assign(target, path, value) {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) node = node[key] ??= {};
  node[keys.at(-1)] = value;
}

/**
 * The form's enabled, named controls as JSON. A checkbox gives true/false, a radio group its checked
 * value (absent when none is), other controls their string value. A dotted name ("values.t1") makes
 * a nested object. Disabled controls are not sent; data-empty="omit" leaves out an empty value;
 * data-type="number" sends a number (a comma is accepted as the decimal separator).
 */
export function readForm(form) {
  const data = {};
  for (const control of form.elements) {
    if (!control.name || control.disabled || SKIPPED_TYPES.has(control.type)) continue;
    if (control.closest('fieldset:disabled')) continue;
    let value;
    if (control.type === 'checkbox') value = control.checked;
    else if (control.type === 'radio') {
      if (!control.checked) continue;
      value = control.value;
    } else value = control.value;
    if (value === '' && control.dataset.empty === 'omit') continue;
    if (control.dataset.type === 'number' && typeof value === 'string' && value.trim() !== '') {
      const number = Number(value.trim().replace(/\s/g, '').replace(',', '.'));
      value = Number.isFinite(number) ? number : value;
    }
    assign(data, control.name, value);
  }
  return data;
}

function idFor(form, name) {
  return `${form.id || 'form'}-${name.replace(/[^\w-]/g, '-')}-error`;
}

function controlsNamed(form, name) {
  const found = form.elements.namedItem(name);
  if (!found) return [];
  return found instanceof RadioNodeList || found instanceof HTMLCollection ? [...found] : [found];
}

function describe(control, id, on) {
  const ids = (control.getAttribute('aria-describedby') || '').split(/\s+/).filter((x) => x && x !== id);
  if (on) ids.unshift(id);
  if (ids.length) control.setAttribute('aria-describedby', ids.join(' '));
  else control.removeAttribute('aria-describedby');
}

/** The form-level live regions: an alert for errors, a status for success; created once, empty. */
function region(form, kind) {
  let node = form.querySelector(`:scope > .form-${kind}`);
  if (!node) {
    node = document.createElement('div');
    node.className = `form-${kind}`;
    node.id = `${form.id || 'form'}-${kind}`;
    node.setAttribute('role', kind === 'alert' ? 'alert' : 'status');
    node.hidden = true;
    if (kind === 'alert') form.prepend(node);
    else form.append(node);
  }
  return node;
}

function setRegion(node, lines) {
  node.replaceChildren(...lines.map((line) => Object.assign(document.createElement('p'), { textContent: line })));
  node.hidden = lines.length === 0;
}

/** Removes every field error, the form-level alert and the success text. */
export function clearErrors(form) {
  for (const node of form.querySelectorAll('.field-error')) {
    const controls = controlsNamed(form, node.dataset.field || '');
    for (const control of controls) {
      control.removeAttribute('aria-invalid');
      describe(control, node.id, false);
    }
    node.closest('.field, fieldset')?.classList.remove('has-error');
    node.remove();
  }
  setRegion(region(form, 'alert'), []);
  setRegion(region(form, 'success'), []);
}

/** Puts `message` next to the control(s) named `name`; false when the form has no such control. */
export function showFieldError(form, name, message) {
  const controls = controlsNamed(form, name).filter((c) => !c.disabled);
  if (!controls.length) return false;
  const id = idFor(form, name);
  let node = form.querySelector(`#${CSS.escape(id)}`);
  if (node) {
    node.append(document.createElement('br'), message);
    return true;
  }
  node = document.createElement('p');
  node.className = 'field-error';
  node.id = id;
  node.dataset.field = name;
  node.textContent = message;
  // Right under a text field or a checkbox's label; at the end of a radio group.
  const [control] = controls;
  const wrapper = controls.length > 1 ? control.closest('fieldset') : control.closest('.field, fieldset');
  const anchor = controls.length > 1 ? null : control.type === 'checkbox' ? control.labels?.[0] : control;
  if (anchor) anchor.after(node);
  else (wrapper || control.parentElement).append(node);
  wrapper?.classList.add('has-error');
  for (const control of controls) {
    control.setAttribute('aria-invalid', 'true');
    describe(control, id, true);
  }
  return true;
}

/** Shows an ApiError (or any error) on the form: field messages next to fields, the rest in the alert. */
export function showProblem(form, error) {
  clearErrors(form);
  const problem = error instanceof ApiError ? error : new ApiError(0, { detail: 'Что-то пошло не так. Повторите попытку.' });
  const unmatched = [];
  let shown = 0;
  for (const { field, message } of problem.errors) {
    if (field && showFieldError(form, field, message)) shown += 1;
    else unmatched.push(message);
  }
  const lines = shown === 0 ? [problem.detail, ...unmatched.filter((m) => m !== problem.detail)] : unmatched;
  setRegion(region(form, 'alert'), lines.filter(Boolean));
  const first = form.querySelector('[aria-invalid="true"]');
  if (first) first.focus();
}

/** Shows a success text in the form's status region. */
export function showSuccess(form, text) {
  setRegion(region(form, 'success'), text ? [text] : []);
}

/** Disables the submit button(s) while a request is in flight. */
export function setBusy(form, busy) {
  form.setAttribute('aria-busy', String(busy));
  for (const button of form.querySelectorAll('button[type="submit"], button:not([type])')) {
    button.disabled = busy;
    button.classList.toggle('is-busy', busy);
  }
}

/**
 * Wires a form: on submit, clears old messages, reads the form, awaits handler(data, form) with the
 * button disabled and shows the outcome. A string the handler returns is shown as the success text;
 * an ApiError is shown next to the fields. An expired session is left to the app (it shows the login).
 */
export function bindForm(form, handler) {
  region(form, 'alert');
  region(form, 'success');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (form.getAttribute('aria-busy') === 'true') return;
    clearErrors(form);
    setBusy(form, true);
    const submitter = event.submitter;
    try {
      const result = await handler(readForm(form), form);
      // Accepted: drafts.js forgets what was typed.
      form.dispatchEvent(new Event('submitted', { bubbles: true }));
      if (typeof result === 'string') showSuccess(form, result);
    } catch (error) {
      if (error?.name === 'AbortError' || error?.expired) return;
      if (!(error instanceof ApiError)) console.warn(error);
      showProblem(form, error);
    } finally {
      setBusy(form, false);
      // A disabled button loses focus: give it back unless an invalid field took it.
      if (form.isConnected && (document.activeElement === document.body || !document.activeElement)) submitter?.focus();
    }
  });
  // The page's own forms come disabled (index.html): before this listener a click would post the
  // form natively — a password to the site's address. Usable only from here on.
  for (const button of form.querySelectorAll('[data-until-ready]')) {
    button.disabled = false;
    button.removeAttribute('data-until-ready');
  }
}
