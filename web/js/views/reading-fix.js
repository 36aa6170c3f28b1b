// Correcting the latest reading of a meter on «Просмотр ранее введённых показаний»: «Исправить»
// (the values, in place) and «Удалить» (asked first), while its billing period is open; the API
// refuses with what to do otherwise (a request to the company). Loaded only by readings-history.js.

import * as api from '../api.js';
import { askFirst } from '../ask.js';
import { el } from '../dom.js';
import { bindForm } from '../forms.js';
import { TARIFFS } from './readings-ui.js';

const path = (reading) => `/api/readings/${encodeURIComponent(reading.id)}`;

/** The latest manual reading of each meter, among `readings` (newest first), by id. */
export function latestIds(readings, meters, period) {
  const ids = new Set();
  for (const meter of meters) {
    const found = readings.find((r) => r.meter_number === meter.meter_number && !r.withdrawn_at);
    if (found && found.source === 'manual' && found.taken_at === meter.last_taken_at && found.billing_period === period) ids.add(found.id);
  }
  return ids;
}

function fixForm(reading, { onSaved, onCancel }) {
  const id = (t) => `fix-${reading.id}-${t}`;
  const form = el(
    'form',
    { class: 'form rd-fix', id: `fix-${reading.id}`, novalidate: true, 'aria-label': `Исправить показание прибора учёта № ${reading.meter_number}` },
    Object.entries(TARIFFS[reading.meter_type]).map(([tariff, label]) =>
      el(
        'div',
        { class: 'field' },
        el('label', { for: id(tariff) }, `${label}, кВт·ч`),
        el('input', { id: id(tariff), name: `values.${tariff}`, type: 'text', inputmode: 'decimal', autocomplete: 'off', value: String(reading.values[tariff]).replace('.', ',') }),
      ),
    ),
    el('div', { class: 'ask-actions' }, el('button', { type: 'submit', class: 'btn btn-primary' }, 'Сохранить'), el('button', { type: 'button', class: 'btn btn-secondary', onclick: onCancel }, 'Отмена')),
  );
  bindForm(form, async (data) => {
    onSaved(await api.patch(path(reading), data));
    return undefined;
  });
  return form;
}

/** «Исправить» and «Удалить» for `reading`; `onChanged()` reloads the page's data after either. */
export function fixActions(reading, onChanged) {
  const actions = el('div', { class: 'ask-actions rd-fix-actions' });
  const edit = el('button', { type: 'button', class: 'btn btn-secondary', 'aria-label': `Исправить показание прибора учёта № ${reading.meter_number}` }, 'Исправить');
  const remove = el('button', { type: 'button', class: 'btn btn-secondary', 'aria-label': `Удалить показание прибора учёта № ${reading.meter_number}` }, 'Удалить');
  const buttons = [edit, remove];
  edit.addEventListener('click', () => {
    const form = fixForm(reading, { onSaved: () => onChanged('Показание исправлено: прежнее значение сохранено в истории.'), onCancel: () => actions.replaceChildren(...buttons) });
    actions.replaceChildren(form);
    form.querySelector('input').focus();
  });
  remove.addEventListener('click', () =>
    askFirst(actions, `Удалить показание прибора учёта № ${reading.meter_number}? Последним снова станет предыдущее показание.`, 'Да, удалить', async () => {
      await api.del(path(reading));
      onChanged('Показание удалено: оно осталось в истории с отметкой «удалено» и не учитывается.');
    }),
  );
  actions.append(...buttons);
  return actions;
}
