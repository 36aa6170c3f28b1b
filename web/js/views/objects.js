// «Мои объекты»: the consumer's supply points — address, лицевой счёт (and whether the company has
// confirmed it), cadastral number, the meters installed there — the form that adds one, and on each
// card «Изменить» (the same form, filled in; a confirmed лицевой счёт is read-only: only the company
// changes it) and «Удалить» (asked first; the readings stay).

import * as api from '../api.js';
import { el, loading, message, pageTitle } from '../dom.js';
import { bindForm } from '../forms.js';
import { formatDate } from '../format.js';
import { askFirst } from '../ask.js';
import { METER_TYPES } from './readings-ui.js';

const MAX_METERS = 10;

function card(object, { onEdit, onRemoved }) {
  const confirmed = object.account_state === 'confirmed';
  const edit = el('button', { type: 'button', class: 'btn btn-secondary', 'aria-label': `Изменить объект «${object.name}»` }, 'Изменить');
  const remove = el('button', { type: 'button', class: 'btn btn-secondary', 'aria-label': `Удалить объект «${object.name}»` }, 'Удалить');
  const actions = el('div', { class: 'ob-actions' }, edit, remove);
  edit.addEventListener('click', () => onEdit(object));
  remove.addEventListener('click', () =>
    askFirst(actions, `Удалить объект «${object.name}»? Переданные показания его приборов учёта останутся в истории.`, 'Да, удалить', async () => {
      await api.del(`/api/objects/${encodeURIComponent(object.id)}`);
      onRemoved(object);
    }),
  );
  return el(
    'li',
    { class: 'card ob-card', 'data-object': object.id },
    el('h2', {}, object.name),
    el(
      'dl',
      { class: 'ob-facts' },
      el('dt', {}, 'Адрес'),
      el('dd', {}, object.address),
      object.settlement ? [el('dt', {}, 'Для отключений'), el('dd', {}, [object.settlement, object.street, object.house ? `дом ${object.house}` : null].filter(Boolean).join(', '))] : null,
      el('dt', {}, 'Лицевой счёт'),
      el(
        'dd',
        {},
        object.account_number,
        ' ',
        el(
          'span',
          { class: `ob-state ${confirmed ? 'ob-confirmed' : 'ob-pending'}` },
          confirmed ? `подтверждён сетевой компанией ${formatDate(object.account_confirmed_at)}` : 'ожидает подтверждения сетевой компанией',
        ),
      ),
      object.cadastral_number ? [el('dt', {}, 'Кадастровый номер'), el('dd', {}, object.cadastral_number)] : null,
      el('dt', {}, 'Приборы учёта'),
      el(
        'dd',
        {},
        el(
          'ul',
          { class: 'ob-meters' },
          object.meters.map((m) => el('li', {}, `№ ${m.meter_number} — ${METER_TYPES[m.meter_type].toLowerCase()}` + (m.digits ? `, ${m.digits} разрядов` : ''))),
        ),
      ),
    ),
    actions,
  );
}

function meterRow(index) {
  const id = (name) => `object-meter-${index}-${name}`;
  return el(
    'fieldset',
    { class: 'ob-meter', 'data-meter': index },
    el('legend', {}, `Прибор учёта ${index + 1}`),
    el(
      'div',
      { class: 'field' },
      el('label', { for: id('type'), class: 'required' }, 'Тип прибора учёта'),
      el(
        'select',
        { id: id('type'), name: `meters.${index}.meter_type`, required: true },
        el('option', { value: '' }, 'Выберите тип'),
        Object.entries(METER_TYPES).map(([value, label]) => el('option', { value }, label)),
      ),
    ),
    el(
      'div',
      { class: 'field' },
      el('label', { for: id('number'), class: 'required' }, 'Номер прибора учёта'),
      el('input', { id: id('number'), name: `meters.${index}.meter_number`, type: 'text', required: true, maxlength: 30, autocomplete: 'off', spellcheck: 'false' }),
    ),
    el(
      'div',
      { class: 'field' },
      el('label', { for: id('digits') }, 'Разрядность прибора учёта'),
      el('input', { id: id('digits'), name: `meters.${index}.digits`, type: 'text', inputmode: 'numeric', maxlength: 1, 'data-type': 'number', 'data-empty': 'omit', 'aria-describedby': `${id('digits')}-hint` }),
      el('p', { class: 'hint', id: `${id('digits')}-hint` }, 'Необязательно: сколько цифр до запятой на счётном механизме (5 для 99999).'),
    ),
  );
}

function field(id, name, label, { required = true, hint, maxlength = 300, ...more } = {}) {
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id, class: required ? 'required' : null }, label),
    el('input', { id, name, type: 'text', required, maxlength, autocomplete: 'off', 'aria-describedby': hint ? `${id}-hint` : null, ...more }),
    hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null,
  );
}

/** The form that adds an object, or (with `object`) changes it: filled in, PATCH on submit. */
function objectForm({ object, onSaved, onCancel }) {
  const meters = el('div', { class: 'ob-meter-list' }, meterRow(0));
  const more = el('button', { type: 'button', class: 'btn btn-secondary', id: 'object-add-meter' }, 'Добавить прибор учёта');
  more.addEventListener('click', () => {
    const count = meters.children.length;
    meters.append(meterRow(count));
    more.hidden = count + 1 >= MAX_METERS;
    meters.lastElementChild.querySelector('select').focus();
  });
  const form = el(
    'form',
    { id: object ? 'object-edit-form' : 'object-form', class: 'form ob-form', method: 'post', novalidate: true },
    field('object-name', 'name', 'Название объекта', { maxlength: 100, hint: 'Например, жилой дом, гараж, дача.' }),
    field('object-address', 'address', 'Адрес объекта', { hint: 'Как в квитанции.' }),
    el(
      'fieldset',
      { class: 'ob-parts' },
      el('legend', {}, 'Адрес по частям — чтобы видеть отключения электроэнергии на объекте'),
      field('object-settlement', 'settlement', 'Населённый пункт', { required: false, maxlength: 100, 'data-empty': 'omit', hint: 'Например, г. Бор или д. Берёзки.' }),
      field('object-street', 'street', 'Улица', { required: false, maxlength: 100, 'data-empty': 'omit', hint: 'Не заполняйте, если улиц нет.' }),
      field('object-house', 'house', 'Дом', { required: false, maxlength: 20, 'data-empty': 'omit', hint: 'Например, 7, 21а или 12к2.' }),
    ),
    field('object-account', 'account_number', 'Лицевой счёт', { maxlength: 40, inputmode: 'numeric', hint: 'Из квитанции: от 8 до 14 цифр. Сетевая компания сверит его с договором.' }),
    field('object-cadastral', 'cadastral_number', 'Кадастровый номер', { required: false, maxlength: 30, 'data-empty': 'omit', hint: 'Необязательно; например, 77:01:0001001:1234.' }),
    meters,
    more,
    el(
      'div',
      { class: 'ob-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary' }, object ? 'Сохранить изменения' : 'Добавить объект'),
      object ? el('button', { type: 'button', class: 'btn btn-secondary', onclick: onCancel }, 'Отмена') : null,
    ),
  );
  if (object) {
    for (const name of ['name', 'address', 'settlement', 'street', 'house', 'account_number', 'cadastral_number']) form.elements[name].value = object[name] ?? '';
    meters.replaceChildren(...object.meters.map((_, i) => meterRow(i)));
    object.meters.forEach((m, i) => {
      for (const key of ['meter_type', 'meter_number', 'digits']) form.elements[`meters.${i}.${key}`].value = m[key] ?? '';
    });
    more.hidden = object.meters.length >= MAX_METERS;
    if (object.account_state === 'confirmed') {
      const account = form.elements.account_number;
      account.readOnly = true;
      form.querySelector('#object-account-hint').textContent = 'Подтверждён сетевой компанией: изменить его можно только через сетевую компанию (заявкой).';
    }
    bindForm(form, async (data) => onSaved(await api.patch(`/api/objects/${encodeURIComponent(object.id)}`, { ...data, meters: Object.values(data.meters || {}) })));
    return form;
  }
  bindForm(form, async (data) => {
    const body = { ...data, meters: Object.values(data.meters || {}) };
    const added = await api.post('/api/objects', body);
    onSaved(added);
    form.reset();
    meters.replaceChildren(meterRow(0));
    more.hidden = false;
    return `Объект «${added.name}» добавлен. Лицевой счёт ${added.account_number} ожидает подтверждения сетевой компанией.`;
  });
  return form;
}

/** The consumer's objects (for the pickers of the readings and requests forms). */
export async function loadObjects(signal) {
  const { items } = await api.get('/api/objects', { signal });
  return items;
}

function useStyles() {
  if (!document.querySelector('link[href="/css/objects.css"]')) document.head.append(el('link', { rel: 'stylesheet', href: '/css/objects.css' }));
}

export async function render(root, { signal }) {
  useStyles();
  const list = el('ul', { class: 'ob-list', id: 'object-list' });
  const empty = el('p', { class: 'muted', id: 'object-empty' }, 'Объектов пока нет: добавьте дом, квартиру, гараж или другой объект с его лицевым счётом и приборами учёта.');
  const shown = el('div', {}, loading());
  const objects = [];

  const handlers = {
    onEdit(object) {
      const item = list.querySelector(`[data-object="${CSS.escape(object.id)}"]`);
      const form = objectForm({
        object: structuredClone(object),
        onSaved(changed) {
          objects.splice(objects.indexOf(object), 1, changed);
          show(changed.id);
          return undefined;
        },
        onCancel: () => show(object.id),
      });
      item.replaceChildren(el('h2', { id: `object-edit-${object.id}` }, `Изменить объект «${object.name}»`), form);
      form.elements.name.focus();
    },
    onRemoved(object) {
      objects.splice(objects.indexOf(object), 1);
      show();
      shown.prepend(message(`Объект «${object.name}» удалён.`, 'success'));
    },
  };

  function show(focusId) {
    list.replaceChildren(...objects.map((object) => card(object, handlers)));
    empty.hidden = objects.length > 0;
    shown.replaceChildren(empty, list);
    if (focusId) list.querySelector(`[data-object="${CSS.escape(focusId)}"] h2`)?.setAttribute('tabindex', '-1');
    if (focusId) list.querySelector(`[data-object="${CSS.escape(focusId)}"] h2`)?.focus();
  }

  root.append(
    ...pageTitle('Мои объекты', 'Точки поставки: адрес, лицевой счёт и установленные приборы учёта. Их предлагают формы показаний и заявок.'),
    shown,
    el('section', { class: 'card', 'aria-labelledby': 'object-form-title' }, el('h2', { id: 'object-form-title' }, 'Добавить объект'), objectForm({
      onSaved(added) {
        objects.push(added);
        show();
      },
    })),
  );
  try {
    objects.push(...(await loadObjects(signal)));
    show();
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    shown.replaceChildren(message(error.detail || 'Не удалось загрузить объекты.', 'error'));
  }
}
