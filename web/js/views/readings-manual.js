// «Ручной ввод»: meter type, meter number (their meters offered again), one value per tariff, «Ввести».

import * as api from '../api.js';
import { el, pageTitle } from '../dom.js';
import { bindForm } from '../forms.js';
import { formatDate } from '../format.js';
import { METER_TYPES, SOURCES, TARIFFS, backLink, loadMeters, perTariffText, useStyles } from './readings-ui.js';

const ALL_TARIFFS = ['t1', 't2', 't3'];

function tariffField(tariff) {
  const id = `reading-${tariff}`;
  return el(
    'div',
    { class: 'field', hidden: true, 'data-tariff': tariff },
    el('label', { for: id, class: 'required' }, tariff.toUpperCase()),
    el('input', {
      id,
      name: `values.${tariff}`,
      type: 'text',
      inputmode: 'decimal',
      autocomplete: 'off',
      required: true,
      disabled: true,
      maxlength: 20,
      'aria-describedby': 'reading-values-hint',
    }),
  );
}

function confirmation(reading) {
  const values = perTariffText(reading.meter_type, reading.values);
  const head = `Показания приняты: прибор учета № ${reading.meter_number}, ${values}.`;
  if (!reading.consumption) return `${head} Это первое показание прибора: расход появится после следующего ввода.`;
  return `${head} Расход с ${formatDate(reading.previous_taken_at)}: ${perTariffText(reading.meter_type, reading.consumption)}.`;
}

export async function render(root, { signal }) {
  useStyles();
  const meters = new Map();
  const datalist = el('datalist', { id: 'reading-meters' });
  const type = el(
    'select',
    { id: 'reading-meter-type', name: 'meter_type', required: true },
    el('option', { value: '' }, 'Выберите тип'),
    Object.entries(METER_TYPES).map(([value, label]) => el('option', { value }, label)),
  );
  const number = el('input', {
    id: 'reading-meter-number',
    name: 'meter_number',
    type: 'text',
    list: 'reading-meters',
    required: true,
    maxlength: 30,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    'aria-describedby': 'reading-meter-number-hint reading-previous',
  });
  const previous = el('p', { class: 'hint', id: 'reading-previous', 'aria-live': 'polite' });
  const fields = ALL_TARIFFS.map(tariffField);
  const tariffs = el(
    'fieldset',
    { class: 'rd-tariffs', hidden: true },
    el('legend', {}, 'Показания по тарифам, кВт·ч'),
    fields,
    el('p', { class: 'hint', id: 'reading-values-hint' }, 'Цифры; дробную часть отделите запятой, не больше двух знаков: 12345,6.'),
  );
  const choose = el('p', { class: 'hint', id: 'reading-choose-type' }, 'Выберите тип прибора учета, чтобы ввести показания по тарифам.');

  function showTariffs() {
    const labels = TARIFFS[type.value] || {};
    for (const field of fields) {
      const tariff = field.dataset.tariff;
      const input = field.querySelector('input');
      field.hidden = !(tariff in labels);
      input.disabled = field.hidden;
      if (labels[tariff]) field.querySelector('label').textContent = labels[tariff];
    }
    tariffs.hidden = !type.value;
    choose.hidden = Boolean(type.value);
  }

  function showPrevious() {
    const meter = meters.get(number.value.trim().toUpperCase());
    if (!meter) {
      previous.textContent = '';
      return;
    }
    const known = METER_TYPES[meter.meter_type].toLowerCase();
    let note = '';
    // A type the consumer chose is never changed behind their back: a known meter keeps the type it
    // was first read with (the API refuses another), so the page says so and offers to switch.
    if (!type.value) {
      type.value = meter.meter_type;
      showTariffs();
      note = ` Тип прибора учета выбран по ранее введенным показаниям: ${known}.`;
    } else if (type.value !== meter.meter_type) {
      note = ` Показания этого прибора учета ранее вводились как ${known}: выберите этот тип или проверьте номер.`;
    }
    previous.textContent = `Предыдущее показание от ${formatDate(meter.last_taken_at)} (${SOURCES[meter.last_source].toLowerCase()}): ${perTariffText(meter.meter_type, meter.last_values)}.${note}`;
    previous.classList.toggle('is-warning', type.value !== meter.meter_type);
  }

  function remember(list) {
    for (const meter of list) meters.set(meter.meter_number, meter);
    datalist.replaceChildren(
      ...[...meters.values()].map((m) => el('option', { value: m.meter_number }, METER_TYPES[m.meter_type])),
    );
  }

  type.addEventListener('change', () => {
    showTariffs();
    if (number.value) showPrevious();
  });
  number.addEventListener('input', showPrevious);
  number.addEventListener('change', showPrevious);

  const form = el(
    'form',
    { id: 'reading-form', class: 'form rd-form', method: 'post', novalidate: true },
    el('div', { class: 'field' }, el('label', { for: type.id, class: 'required' }, 'Тип прибора учета'), type),
    el(
      'div',
      { class: 'field' },
      el('label', { for: number.id, class: 'required' }, 'Номер прибора учета'),
      number,
      datalist,
      el('p', { class: 'hint', id: 'reading-meter-number-hint' }, 'Буквы, цифры, «-» и «/», до 30 символов. Номера ваших приборов учета предлагаются в списке.'),
      previous,
    ),
    choose,
    tariffs,
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Ввести'),
  );
  bindForm(form, async (data) => {
    const reading = await api.post('/api/readings', { ...data, values: data.values || {} });
    remember([
      {
        meter_number: reading.meter_number,
        meter_type: reading.meter_type,
        last_values: reading.values,
        last_taken_at: reading.taken_at,
        last_source: reading.source,
      },
    ]);
    for (const field of fields) field.querySelector('input').value = '';
    number.value = reading.meter_number;
    showPrevious();
    return confirmation(reading);
  });

  root.append(
    ...pageTitle('Ручной ввод показаний', 'Для передачи показаний заполните тип прибора учета, номер прибора учета и показания по тарифам, затем нажмите «Ввести».'),
    el('section', { class: 'card rd-card' }, form),
    el('p', { class: 'rd-more' }, el('a', { href: '#/readings/history' }, 'Просмотр ранее введенных показаний')),
    backLink(),
  );
  showTariffs();

  try {
    remember(await loadMeters(signal));
    if (number.value) showPrevious(); // typed before the list arrived
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    // Without the list the form still works: the number is typed in full.
  }
}
