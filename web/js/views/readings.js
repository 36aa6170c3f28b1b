// «Показания»: the section's page with its links. The half-hour load is promised only to a consumer
// whose ASKUE data has it (the 80020 connector gives half-hours; the JSON one, totals only).

import * as api from '../api.js';
import { el, pageTitle } from '../dom.js';

const LINKS = [
  ['#/readings/manual', 'Ручной ввод', 'Передача показаний: тип и номер прибора учёта, показания по тарифам.'],
  ['#/readings/history', 'Просмотр ранее введённых показаний', 'Таблица с ранее введёнными показаниями.'],
  ['#/readings/askue', 'АСКУЭ', 'Последние данные по показаниям приборов учёта, подключённых к системе АСКУЭ.'],
  ['#/readings/consumption', 'Графики потребления', 'Расход по месяцам и тарифам.'],
];

export async function render(root, { signal } = {}) {
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
  const charts = root.querySelector('a[href="#/readings/consumption"]')?.closest('li')?.querySelector('p');
  try {
    const { rows } = await api.get('/api/askue/latest', { signal });
    if (charts && rows.some((row) => row.profile)) charts.textContent = 'Расход по месяцам и тарифам; нагрузка за сутки по получасам из АСКУЭ.';
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error; // else the page stands without the promise
  }
}
