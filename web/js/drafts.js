// Puts back what was typed into a page's forms when the session ended (saved by router.js), after
// logging in again on the same page as the same consumer (docs/architecture.md «The session in the
// browser»).

import { email } from './session.js';

export function restoreDrafts(root, path) {
  let saved = null;
  try {
    saved = JSON.parse(sessionStorage.getItem('portal.drafts'));
  } catch {
    // Nothing readable to restore.
  }
  if (!email()) return; // a guest: kept for after the login
  sessionStorage.removeItem('portal.drafts');
  if (saved?.path !== path || saved.owner !== email()) return;
  for (const [id, values] of saved.forms) {
    const form = root.querySelector(`form#${CSS.escape(id)}`);
    // In document order, each with its events: a choice that shows other fields comes first.
    for (const [name, value, ticked] of form ? values : []) {
      const radio = [...form.elements].find((c) => c.name === name && c.type === 'radio' && c.value === value);
      const control = radio || form.elements.namedItem(name);
      if (!control || control instanceof RadioNodeList) continue;
      if (/checkbox|radio/.test(control.type)) control.checked = ticked;
      else control.value = value;
      for (const type of ['input', 'change']) control.dispatchEvent(new Event(type, { bubbles: true }));
    }
  }
}
