// «Графики потребления»: each meter's consumption by month (the last 12, per tariff, from readings)
// and, when ASKUE gives half-hours (the 80020 connector), each ASKUE meter's load of the day (A+ up,
// A− down). Every chart has its table of the same numbers.

import * as api from '../api.js';
import { barChart } from '../chart.js';
import { el, message, pageTitle } from '../dom.js';
import { formatDate } from '../format.js';

const TARIFFS = {
  single_tariff: ['Т1'],
  two_tariff: ['Т1 (день)', 'Т2 (ночь)'],
  three_tariff: ['Т1 (пик)', 'Т2 (ночь)', 'Т3 (полупик)'],
};
const month = (m, options) => new Intl.DateTimeFormat('ru-RU', { ...options, timeZone: 'UTC' }).format(new Date(`${m}-01T00:00Z`));

/** The chart of one meter of GET /api/readings/monthly over `months`. */
export function monthlyChart(meter, months, width) {
  const found = new Map(meter.months.map((m) => [m.month, m.consumption]));
  return barChart({
    caption: `Прибор учёта № ${meter.meter_number}: расход по месяцам`,
    unit: 'кВт·ч',
    labels: months.map((m) => month(m, { month: 'long', year: 'numeric' })),
    tick: (i) => (width < 500 && (months.length - 1 - i) % 2 ? '' : month(months[i], { month: 'short' }).replace('.', '')),
    series: TARIFFS[meter.meter_type].map((name, t) => ({
      name,
      tone: `t${t + 1}`,
      values: months.map((m) => found.get(m)?.[`t${t + 1}`] ?? null),
    })),
    width,
  });
}

/** The day's load of one ASKUE row with a profile; its 48-row table folded. */
export function profileChart(row, width) {
  const { day, starts, active_import_kwh: plus, active_export_kwh: minus } = row.profile;
  const times = starts.map((s) => `${s.slice(0, 2)}:${s.slice(2)}`);
  const every = width < 500 ? 6 : 3;
  const figure = barChart({
    caption: `${row.object_name}, ${row.meter_name}: нагрузка за ${formatDate(day)} по получасам (МСК)`,
    unit: 'кВт·ч',
    labels: times,
    tick: (i) => (starts[i].endsWith('00') && starts[i].slice(0, 2) % every === 0 && starts.indexOf(starts[i]) === i ? times[i] : ''),
    series: [
      { name: 'A+ (приём)', tone: 'import', values: plus },
      ...(minus.some((v) => Number(v) > 0) ? [{ name: 'A− (отдача в сеть)', tone: 'export', values: minus, down: true }] : []),
    ],
    width,
  });
  figure.append(el('details', { class: 'chart-details' }, el('summary', {}, 'Таблица по получасам'), figure.querySelector('table')));
  return figure;
}

export async function render(root, { signal }) {
  const [monthly, askue] = await Promise.all([
    api.get('/api/readings/monthly?months=12', { signal }),
    api.get('/api/askue/latest', { signal }),
  ]);
  const width = Math.min(root.clientWidth || 640, 900);
  const profiles = askue.rows.filter((row) => row.profile);
  root.append(
    ...pageTitle('Графики потребления', profiles.length ? 'Расход по месяцам — по показаниям приборов учёта; нагрузка за сутки — по получасовым данным АСКУЭ.' : 'Расход по месяцам — по показаниям приборов учёта.'),
    el(
      'section',
      { class: 'section', 'aria-labelledby': 'monthly-charts' },
      el('h2', { id: 'monthly-charts' }, 'Расход по месяцам'),
      el('p', { class: 'muted' }, 'Расход показания — с предыдущего показания того же прибора; он отнесён к месяцу, в котором снято показание.'),
      monthly.meters.length
        ? monthly.meters.map((meter) => el('div', { class: 'card chart-wrap' }, monthlyChart(meter, monthly.months, width)))
        : message('За последние 12 месяцев показаний нет. Передайте их в разделе «Ручной ввод».'),
    ),
    // The day's load only where the data has half-hours: no section promising what is not there.
    ...(profiles.length
      ? [
          el(
            'section',
            { class: 'section', 'aria-labelledby': 'profile-charts' },
            el('h2', { id: 'profile-charts' }, 'Нагрузка за сутки (АСКУЭ)'),
            profiles.map((row) => el('div', { class: 'card chart-wrap' }, profileChart(row, width))),
          ),
        ]
      : []),
    el('p', {}, el('a', { href: '#/readings' }, '← Показания')),
  );
}
