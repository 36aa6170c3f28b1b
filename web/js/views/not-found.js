// An address that matches no route.

import { el, pageTitle } from '../dom.js';

export function render(root) {
  root.append(
    ...pageTitle('Страница не найдена'),
    el('p', {}, 'Такой страницы в личном кабинете нет. Проверьте адрес или выберите раздел в главном меню.'),
    el('p', {}, el('a', { href: '#/' }, 'На главную')),
  );
}
