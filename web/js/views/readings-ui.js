// What the «Показания» pages share: their styles, meter types and tariffs, amounts in Russian.

import * as api from '../api.js';
import { el } from '../dom.js';
import { formatNumber } from '../format.js';

export function useStyles() {
  if (!document.querySelector('link[href="/css/readings.css"]')) {
    document.head.append(el('link', { rel: 'stylesheet', href: '/css/readings.css' }));
  }
}

export const METER_TYPES = {
  single_tariff: 'Однотарифный',
  two_tariff: 'Двухтарифный (день/ночь)',
  three_tariff: 'Трёхтарифный (пик/ночь/полупик)',
};

/** The tariffs of each meter type with their labels, in order. */
export const TARIFFS = {
  single_tariff: { t1: 'Т1' },
  two_tariff: { t1: 'Т1 (день)', t2: 'Т2 (ночь)' },
  three_tariff: { t1: 'Т1 (пик)', t2: 'Т2 (ночь)', t3: 'Т3 (полупик)' },
};

export const SOURCES = { manual: 'Вручную', askue: 'АСКУЭ' };

/** What the data says of a meter: its tariffs as the consumer registered them, or, for a meter ASKUE
 * reads, only what ASKUE sends — the total of active energy (A+) over every tariff, whatever the
 * meter (a three-phase «Меркурий 230» is not «Однотарифный»). */
export const meterKind = (meterType, source) => (source === 'askue' ? 'АСКУЭ: общий учёт A+ (все тарифы вместе)' : METER_TYPES[meterType]);

/** "1234.50" (the API's decimal string) → «1 234,5»; an ASKUE value keeps its third decimal. */
export const amount = (value) => formatNumber(value, { max: 3 });

/** [[label, «1 234,5»], …] for the tariffs of a meter type present in `values`. */
export function perTariff(meterType, values, source) {
  const tariffs = source === 'askue' ? { t1: 'A+' } : TARIFFS[meterType] || {};
  return Object.entries(tariffs)
    .filter(([tariff]) => values && values[tariff] !== undefined)
    .map(([tariff, label]) => [label, amount(values[tariff])]);
}

/** «Т1 (день) — 1 234,5 кВт·ч, Т2 (ночь) — 30 кВт·ч» */
export const perTariffText = (meterType, values) =>
  perTariff(meterType, values)
    .map(([label, value]) => `${label} — ${value} кВт·ч`)
    .join(', ');

/** The consumer's meters (number, type, last reading), by number. */
export async function loadMeters(signal) {
  const { items } = await api.get('/api/readings/meters', { signal });
  return items;
}

export const backLink = () => el('p', {}, el('a', { href: '#/readings' }, '← Показания'));
