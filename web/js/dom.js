// Building DOM without innerHTML: user data always goes in as text.

/**
 * el('a', {href: '#/', class: 'link'}, 'text', otherNode)
 * Props: `class`, `text` (textContent), `on<event>` functions, booleans (true → empty attribute,
 * false/null/undefined → omitted); everything else becomes an attribute.
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** A page heading that the router focuses after navigation. */
export function pageTitle(text, subtitle) {
  const heading = el('h1', { class: 'page-title', tabindex: '-1' }, text);
  return subtitle ? [heading, el('p', { class: 'page-lead' }, subtitle)] : [heading];
}

/** A short placeholder while a view loads its data. */
export function loading(text = 'Загрузка…') {
  return el('p', { class: 'loading', role: 'status' }, text);
}

/** A message box: tone is 'info', 'success', 'warning' or 'error'. */
export function message(text, tone = 'info') {
  return el('div', { class: `alert alert-${tone}`, role: tone === 'error' ? 'alert' : 'status' }, text);
}

/** An error message with «Повторить», which calls retry. */
export function failure(text, retry) {
  const box = message(text, 'error');
  box.append(' ', el('button', { type: 'button', class: 'btn btn-secondary', onclick: () => box.remove() ?? retry() }, 'Повторить'));
  return box;
}
