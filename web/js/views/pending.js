// A page that is in the menu but not built yet.

import { el, pageTitle } from '../dom.js';
import { match } from '../router.js';

export function render(root, { route }) {
  const parent = route.parent ? match(route.parent).route : null;
  root.append(
    ...pageTitle(route.title),
    el('p', { class: 'alert alert-info', role: 'status' }, 'Раздел готовится. Он появится здесь в ближайшее время.'),
    el('p', {}, el('a', { href: `#${parent ? parent.path : '/'}` }, `← ${parent ? parent.title : 'На главную'}`)),
  );
}
