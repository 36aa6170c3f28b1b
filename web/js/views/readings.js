// «Показания»: the section's page with its three links.

import { el, pageTitle } from '../dom.js';

const LINKS = [
  ['#/readings/manual', 'Ручной ввод', 'Передача показаний: тип и номер прибора учета, показания по тарифам.'],
  ['#/readings/history', 'Просмотр ранее введенных показаний', 'Таблица с ранее введенными показаниями.'],
  ['#/readings/askue', 'АСКУЭ', 'Последние данные по показаниям приборов учета, подключенных к системе АСКУЭ.'],
];

export function render(root) {
  root.append(
    ...pageTitle(
      'Показания',
      'Раздел «Показания» создан для возможности передачи показаний приборов учета, просмотра переданных показаний, а также для просмотра показаний приборов учета, подключенных к системе АСКУЭ.',
    ),
    el(
      'nav',
      { 'aria-label': 'Разделы показаний' },
      el(
        'ul',
        { class: 'cards' },
        LINKS.map(([href, title, text]) =>
          el('li', { class: 'card link-card' }, el('h2', {}, el('a', { href }, title)), el('p', {}, text)),
        ),
      ),
    ),
  );
}
