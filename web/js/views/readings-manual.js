// «Ручной ввод»: meter (typed or from «Мои объекты»), values per tariff, date, «Ввести». An answer
// with `confirm` (a rollover, a jump) shows the checkbox that confirms it.

import * as api from '../api.js';
import { el, pageTitle } from '../dom.js';
import { bindForm } from '../forms.js';
import { formatDate } from '../format.js';
import { METER_TYPES, SOURCES, TARIFFS, backLink, perTariffText, useStyles } from './readings-ui.js';

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

const periodName = (period) => new Intl.DateTimeFormat('ru-RU', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${period}-01T00:00Z`));

function confirmation(reading) {
  const values = perTariffText(reading.meter_type, reading.values);
  const head = `Показания приняты: прибор учёта № ${reading.meter_number}, ${values}. Расчётный период: ${periodName(reading.billing_period)}.`;
  if (!reading.consumption) return `${head} Это первое показание прибора: расход появится после следующего ввода.`;
  const across = reading.rollover ? ' (с переходом через ноль)' : '';
  return `${head} Расход с ${formatDate(reading.previous_taken_at)}${across}: ${perTariffText(reading.meter_type, reading.consumption)}.`;
}

function moscowToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(new Date());
}

function checkbox(id, name, label, hint, ...more) {
  return el(
    'div',
    { class: 'field check', hidden: true, id: `${id}-field` },
    el('input', { id, name, type: 'checkbox', disabled: true, 'aria-describedby': `${id}-hint` }),
    el('label', { for: id }, label),
    el('p', { class: 'hint', id: `${id}-hint` }, hint),
    ...more,
  );
}

function question(field, on) {
  field.hidden = !on;
  for (const input of field.querySelectorAll('input')) input.disabled = !on;
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
  const choose = el('p', { class: 'hint', id: 'reading-choose-type' }, 'Выберите тип прибора учёта, чтобы ввести показания по тарифам.');
  const today = moscowToday();
  const takenOn = el('input', { id: 'reading-taken-on', name: 'taken_on', type: 'date', value: today, max: today, required: true, 'aria-describedby': 'reading-taken-on-hint' });
  const digits = el('input', { id: 'reading-digits', name: 'meter_digits', type: 'text', inputmode: 'numeric', maxlength: 1, autocomplete: 'off', 'data-type': 'number', 'data-empty': 'omit', disabled: true, 'aria-describedby': 'reading-digits-hint' });
  const rollover = checkbox(
    'reading-rollover',
    'rollover_confirmed',
    'Показания перешли через ноль',
    'Например, после 99999 — 00012: расход посчитается через ноль.',
    el(
      'div',
      { class: 'field rd-digits' },
      el('label', { for: digits.id }, 'Разрядность прибора учёта'),
      digits,
      el('p', { class: 'hint', id: 'reading-digits-hint' }, 'Цифр до запятой: 5 для 99999. Запоминается для прибора.'),
    ),
  );
  const jump = checkbox(
    'reading-jump',
    'jump_confirmed',
    'Подтверждаю показание с большим расходом',
    'Расход намного больше обычного для этого прибора учёта. Отметьте, если показание введено верно.',
  );

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
      note = ` Тип прибора учёта выбран по ранее введённым показаниям: ${known}.`;
    } else if (type.value !== meter.meter_type) {
      note = ` Показания этого прибора учёта ранее вводились как ${known}: выберите этот тип или проверьте номер.`;
    }
    if (meter.digits && !digits.value) digits.value = String(meter.digits);
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

  const picker = el('select', { id: 'reading-object-meter', 'aria-describedby': 'reading-object-meter-hint' }, el('option', { value: '' }, 'Ввести вручную'));
  const pickerField = el(
    'div',
    { class: 'field', hidden: true },
    el('label', { for: picker.id }, 'Прибор учёта из «Мои объекты»'),
    picker,
    el('p', { class: 'hint', id: 'reading-object-meter-hint' }, 'Выберите прибор учёта одного из ваших объектов или введите его данные ниже.'),
  );
  const objectMeters = new Map();
  const period = el('p', { class: 'hint', id: 'reading-billing-period', hidden: true, 'aria-live': 'polite' });
  picker.addEventListener('change', () => {
    const meter = objectMeters.get(picker.value);
    if (!meter) return;
    type.value = meter.meter_type;
    showTariffs();
    number.value = meter.meter_number;
    if (meter.digits) digits.value = String(meter.digits);
    showPrevious();
  });

  const form = el(
    'form',
    { id: 'reading-form', class: 'form rd-form', method: 'post', novalidate: true },
    pickerField,
    el('div', { class: 'field' }, el('label', { for: type.id, class: 'required' }, 'Тип прибора учёта'), type),
    el(
      'div',
      { class: 'field' },
      el('label', { for: number.id, class: 'required' }, 'Номер прибора учёта'),
      number,
      datalist,
      el('p', { class: 'hint', id: 'reading-meter-number-hint' }, 'Буквы, цифры, «-» и «/», до 30 символов. Номера ваших приборов учёта предлагаются в списке.'),
      previous,
    ),
    choose,
    tariffs,
    el(
      'div',
      { class: 'field' },
      el('label', { for: takenOn.id, class: 'required' }, 'Дата снятия показаний'),
      takenOn,
      el('p', { class: 'hint', id: 'reading-taken-on-hint' }, 'По умолчанию сегодня; не позже сегодняшнего дня и не раньше предыдущего показания.'),
    ),
    rollover,
    jump,
    period,
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Ввести'),
  );
  const questions = { rollover_confirmed: rollover, jump_confirmed: jump };
  bindForm(form, async (data) => {
    let reading;
    try {
      reading = await api.post('/api/readings', { ...data, values: data.values || {} });
    } catch (error) {
      const asked = questions[error?.problem?.confirm];
      if (asked) question(asked, true);
      throw error;
    }
    for (const asked of Object.values(questions)) {
      asked.querySelector('input[type="checkbox"]').checked = false;
      question(asked, false);
    }
    remember([
      {
        meter_number: reading.meter_number,
        meter_type: reading.meter_type,
        last_values: reading.values,
        last_taken_at: reading.taken_at,
        last_source: reading.source,
        digits: data.meter_digits || meters.get(reading.meter_number)?.digits,
      },
    ]);
    for (const field of fields) field.querySelector('input').value = '';
    number.value = reading.meter_number;
    showPrevious();
    return confirmation(reading);
  });

  root.append(
    ...pageTitle('Ручной ввод показаний', 'Для передачи показаний заполните тип прибора учёта, номер прибора учёта и показания по тарифам, затем нажмите «Ввести».'),
    el('section', { class: 'card rd-card' }, form),
    el('p', { class: 'rd-more' }, el('a', { href: '#/readings/history' }, 'Просмотр ранее введённых показаний')),
    backLink(),
  );
  showTariffs();

  try {
    const { items } = await api.get('/api/objects', { signal });
    for (const object of items) {
      for (const meter of object.meters) {
        const key = `${object.id}/${meter.meter_number}`;
        objectMeters.set(key, meter);
        picker.append(el('option', { value: key }, `№ ${meter.meter_number} — ${object.name}, ${object.address}`));
      }
    }
    pickerField.hidden = objectMeters.size === 0;
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    // Without the objects the meter is typed in, as before.
  }
  try {
    const { items, billing } = await api.get('/api/readings/meters', { signal });
    remember(items);
    // Which month the reading will count in, and why, before it is sent (the supplier's window).
    period.textContent = billing.explanation;
    period.hidden = false;
    if (number.value) showPrevious(); // typed before the list arrived
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    // Without the list the form still works: the number is typed in full.
  }
}
