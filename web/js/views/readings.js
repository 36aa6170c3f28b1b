// «Показания»: the section's page with its three links.

import { el, pageTitle } from '../dom.js';

const LINKS = [
  ['#/readings/manual', 'Ручной ввод', 'Передача показаний: тип и номер прибора учёта, показания по тарифам.'],
  ['#/readings/history', 'Просмотр ранее введённых показаний', 'Таблица с ранее введёнными показаниями.'],
  ['#/readings/askue', 'АСКУЭ', 'Последние данные по показаниям приборов учёта, подключённых к системе АСКУЭ.'],
];

export function render(root) {
  root.append(
    ...pageTitle(
      'Показания',
      'Раздел «Показания» создан для возможности передачи показаний приборов учёта, просмотра переданных показаний, а также для просмотра показаний приборов учёта, подключённых к системе АСКУЭ.',
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
