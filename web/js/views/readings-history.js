// «Просмотр ранее введённых показаний»: the table newest first, «Показать ещё», a meter filter, CSV;
// on a meter's latest reading «Исправить» and «Удалить» while its billing period is open
// (reading-fix.js); a corrected reading says what it was, a withdrawn one stays, marked.

import * as api from '../api.js';
import { el, loading, message, pageTitle } from '../dom.js';
import { formatDateTime, formatShortDate } from '../format.js';
import { fixActions, latestIds } from './reading-fix.js';
import { SOURCES, backLink, meterKind, perTariff, perTariffText, useStyles } from './readings-ui.js';

const COLUMNS = ['Дата', 'Прибор учёта', 'Показания, кВт·ч', 'Расход, кВт·ч', 'Источник', 'Исправить'];

function amounts(meterType, values, source) {
  if (!values) return el('span', { class: 'muted' }, 'первое показание');
  return el('ul', {}, perTariff(meterType, values, source).map(([label, value]) => el('li', { class: 'num' }, `${label}: ${value}`)));
}

function notes(reading) {
  const found = (reading.corrections || []).map((fix) =>
    el('span', { class: 'rd-note' }, `Исправлено ${formatShortDate(fix.corrected_at)}, было: ${perTariffText(reading.meter_type, fix.old_values)}`),
  );
  if (reading.withdrawn_at) found.push(el('span', { class: 'rd-note' }, `Удалено ${formatShortDate(reading.withdrawn_at)}: не учитывается`));
  return found;
}

function row(reading, actions) {
  const cells = [
    // A day the consumer gave has no time: its stored midday is not shown as one.
    el('td', {}, el('time', { datetime: reading.taken_at }, reading.day_only ? formatShortDate(reading.taken_at) : formatDateTime(reading.taken_at))),
    el('th', { scope: 'row' }, el('div', {}, reading.meter_number, el('span', { class: 'rd-type' }, meterKind(reading.meter_type, reading.source)))),
    el('td', {}, amounts(reading.meter_type, reading.values, reading.source), notes(reading)),
    el('td', {}, amounts(reading.meter_type, reading.consumption, reading.source)),
    el('td', {}, el('span', { class: `rd-source rd-source-${reading.source}` }, SOURCES[reading.source])),
    el('td', {}, actions || el('span', { class: 'muted' }, '—')),
  ];
  cells.forEach((cell, i) => cell.setAttribute('data-label', COLUMNS[i]));
  return el('tr', { class: reading.withdrawn_at ? 'rd-withdrawn' : null, 'data-reading': reading.id }, cells);
}

function query(params) {
  const search = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  return search.size ? `?${search}` : '';
}

/** Saves text as a file: the export needs the bearer token, so it is fetched, then handed over as a Blob. */
function save(text, name) {
  // The BOM tells Excel the file is UTF-8; decoding the answer as text dropped it.
  const blob = new Blob([text.startsWith('\ufeff') ? '' : '\ufeff', text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function render(root, { query: routeQuery, navigate, signal }) {
  useStyles();
  const meter = routeQuery.get('meter') || '';
  const filter = el(
    'select',
    { id: 'history-meter', name: 'meter_number' },
    el('option', { value: '' }, 'Все приборы учёта'),
    meter ? el('option', { value: meter, selected: true }, meter) : null,
  );
  const download = el('button', { type: 'button', class: 'btn btn-secondary', id: 'history-download' }, 'Скачать CSV');
  const notice = el('div', { 'aria-live': 'polite' });
  const body = el('tbody', {});
  const table = el(
    'div',
    { class: 'rd-scroll', hidden: true },
    el(
      'table',
      { class: 'rd-table', id: 'history-table' },
      el('caption', { class: 'rd-hidden' }, 'Ранее введённые показания, новые сначала'),
      el('thead', {}, el('tr', {}, COLUMNS.map((title) => el('th', { scope: 'col' }, title)))),
      body,
    ),
  );
  const more = el('button', { type: 'button', class: 'btn btn-secondary rd-more', hidden: true }, 'Показать ещё');
  const status = el('div', {}, loading());
  let cursor = null;
  let latest = new Set();
  // Without the meters the table still shows (without «Исправить»): the filter then offers only «Все».
  const metersLoaded = api.get('/api/readings/meters', { signal }).catch((error) => (error?.expired || error?.name === 'AbortError' ? Promise.reject(error) : { items: [], billing: {} }));

  async function reload(done) {
    body.replaceChildren();
    cursor = null;
    await load(await api.get('/api/readings/meters', { signal }));
    notice.replaceChildren(message(done, 'success'));
    notice.querySelector('.alert').setAttribute('tabindex', '-1');
    notice.querySelector('.alert').focus();
  }

  async function load(meterAnswer) {
    more.disabled = true;
    try {
      const page = await api.get(`/api/readings${query({ meter_number: meter, cursor })}`, { signal });
      if (meterAnswer) latest = latestIds(page.items, meterAnswer.items, meterAnswer.billing.billing_period);
      body.append(...page.items.map((r) => row(r, latest.has(r.id) ? fixActions(r, (done) => reload(done).catch(() => {})) : null)));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      table.hidden = body.children.length === 0;
      status.replaceChildren(
        body.children.length
          ? ''
          : el('p', { class: 'muted' }, meter ? `Показаний прибора учёта № ${meter} нет.` : 'Показаний пока нет. Передайте их в разделе ', meter ? '' : el('a', { href: '#/readings/manual' }, '«Ручной ввод»'), meter ? '' : '.'),
      );
    } catch (error) {
      if (error?.name === 'AbortError' || error?.expired) throw error;
      status.replaceChildren(message(error.detail || 'Не удалось загрузить показания.', 'error'));
    } finally {
      more.disabled = false;
    }
  }

  filter.addEventListener('change', () => navigate(`/readings/history${query({ meter: filter.value })}`, { focus: false }));
  more.addEventListener('click', () => load().catch(() => {}));
  download.addEventListener('click', async () => {
    download.disabled = true;
    notice.replaceChildren();
    try {
      const text = await api.get(`/api/readings/export${query({ meter_number: meter })}`);
      // The day in Moscow, as the export's own times (sv-SE formats a date as YYYY-MM-DD).
      const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Moscow' }).format(new Date());
      save(text || '', `показания-${day}.csv`);
    } catch (error) {
      if (error?.expired) throw error;
      notice.replaceChildren(message(error.detail || 'Не удалось скачать файл.', 'error'));
    } finally {
      download.disabled = false;
    }
  });

  root.append(
    ...pageTitle('Просмотр ранее введённых показаний', 'Таблица с ранее введёнными показаниями, новые сначала. Расход — с предыдущего показания того же прибора учёта.'),
    el(
      'section',
      { class: 'card rd-card' },
      el('div', { class: 'rd-toolbar' }, el('div', { class: 'field' }, el('label', { for: filter.id }, 'Прибор учёта'), filter), download),
      notice,
      status,
      table,
      more,
    ),
    backLink(),
  );

  const { items: meters } = await metersLoaded;
  await load(await metersLoaded);
  filter.append(
    ...meters
      .filter((m) => m.meter_number !== meter)
      .map((m) => el('option', { value: m.meter_number }, `${m.meter_number} — ${meterKind(m.meter_type, m.last_source)}`)),
  );
  const chosen = meters.find((m) => m.meter_number === meter);
  if (chosen) filter.options[1].textContent = `${meter} — ${meterKind(chosen.meter_type, chosen.last_source)}`;
}
