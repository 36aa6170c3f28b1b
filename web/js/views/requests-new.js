// «Создание заявки» of one type: the form rendered from the type's schema, files uploaded straight
// to S3 with presigned forms, «Отправить» once per Idempotency-Key, then the number and the deadline.

import * as api from '../api.js';
import { ApiError } from '../api.js';
import { el, message, pageTitle } from '../dom.js';
import { bindForm } from '../forms.js';
import { checkLengths, limitLength } from '../limits.js';
import { procedurePreview } from './connection-procedure.js';
import { chosenFiles, connectionWizard } from './connection-wizard.js';
import { backLink, formatSize, requestTypes, useStyles, workingDays } from './requests-ui.js';
import { fileType, refuse, upload } from './uploads.js';

const MAX_FILES = 5;
const MAX_BYTES = 10 * 1024 * 1024;


const newKey = () => crypto.randomUUID(); // the portal is served over HTTPS (or localhost)

function field(label, control, hint, extra = '') {
  const hintId = hint ? `${control.id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  const labelNode = el('label', { for: control.id, class: control.required ? 'required' : null }, label);
  const parts = control.type === 'checkbox' ? [control, labelNode] : [labelNode, control];
  // Too long is refused, never cut.
  const counter = limitLength(control, control.tagName === 'TEXTAREA');
  return el('div', { class: `field ${extra}` }, ...parts, counter, hint ? el('p', { class: 'hint', id: hintId }, hint) : null);
}

function control(name, spec, required) {
  const props = { id: `rq-${name.replace(/\./g, '-')}`, name: `fields.${name}`, required, 'data-empty': 'omit' };
  if (spec.type === 'boolean') return el('input', { ...props, type: 'checkbox', 'data-empty': null });
  if (spec.oneOf) {
    return el(
      'select',
      props,
      el('option', { value: '' }, '— выберите —'),
      spec.oneOf.map((choice) => el('option', { value: choice.const }, choice.title)),
    );
  }
  if (spec.format === 'date') return el('input', { ...props, type: 'date' });
  if (spec.type === 'number') return el('input', { ...props, type: 'text', inputmode: 'decimal', 'data-type': 'number' });
  if (spec.type === 'integer') return el('input', { ...props, type: 'text', inputmode: 'numeric', 'data-type': 'number' });
  if (spec.maxLength > 300) return el('textarea', { ...props, rows: 3, maxlength: spec.maxLength });
  return el('input', { ...props, type: 'text', maxlength: spec.maxLength });
}

// A nested model (`reserve`) or one item of a list of models (`points.0`): a fieldset of its fields,
// named `fields.<name>.<field>` (readForm nests them; `listed` turns numbered keys into a list).
function group(name, spec, legend, required) {
  const inner = new Set(spec.required || []);
  return el(
    'fieldset',
    { class: 'field-group', 'data-group': name },
    el('legend', {}, legend),
    Object.entries(spec.properties).map(([sub, subSpec]) => {
      const input = control(`${name}.${sub}`, subSpec, required && inner.has(sub));
      return field(subSpec.title, input, subSpec.description);
    }),
  );
}

function listOf(name, spec, required) {
  const items = el('div', { class: 'field-list' });
  const add = () => items.append(group(`${name}.${items.children.length}`, spec.items, `${spec.items.title || spec.title} ${items.children.length + 1}`, required));
  if (required) add();
  const more = el('button', { type: 'button', class: 'btn btn-secondary', onclick: add }, `Добавить: ${spec.title.toLowerCase()}`);
  return el(
    'fieldset',
    { class: 'field-group', id: `rq-${name}`, name: `fields.${name}` },
    el('legend', { class: required ? 'required' : null }, spec.title),
    spec.description ? el('p', { class: 'hint' }, spec.description) : null,
    items,
    more,
  );
}

function fieldsOf(schema) {
  const required = new Set(schema.required);
  return Object.entries(schema.properties).map(([name, spec]) => {
    if (spec.type === 'array' && spec.items?.properties) return listOf(name, spec, required.has(name));
    if (spec.type === 'object' && spec.properties) return group(name, spec, spec.title, false);
    const input = control(name, spec, required.has(name));
    return field(spec.title, input, spec.description, spec.type === 'boolean' ? 'check' : '');
  });
}

// readForm makes `points.0.name` an object keyed "0": the schema's lists become lists again, items
// left empty dropped.
function listed(fields, schema) {
  const out = { ...fields };
  for (const [name, spec] of Object.entries(schema.properties)) {
    if (spec.type !== 'array' || !out[name] || Array.isArray(out[name])) continue;
    const items = Object.keys(out[name]).sort((a, b) => a - b).map((key) => out[name][key]).filter((item) => Object.keys(item).length);
    if (items.length) out[name] = items;
    else delete out[name];
  }
  return out;
}

// «Мои объекты»: a field whose schema names an object attribute (`x-object`: name, address,
// cadastral_number, account_number; meter_number — of the object's one meter) is filled from the
// object the consumer picks.
function objectPicker(objects, schema, form) {
  const filled = Object.entries(schema.properties).filter(([, spec]) => spec['x-object']);
  if (!objects.length || !filled.length) return null;
  const picker = el(
    'select',
    { id: 'rq-object' },
    el('option', { value: '' }, '— не выбран —'),
    objects.map((object) => el('option', { value: object.id }, `${object.name}, ${object.address}`)),
  );
  picker.addEventListener('change', () => {
    const object = objects.find((o) => o.id === picker.value);
    if (!object) return;
    const known = { ...object, meter_number: object.meters?.length === 1 ? object.meters[0].meter_number : '' };
    for (const [name, spec] of filled) {
      const input = form.elements.namedItem(`fields.${name}`);
      if (!input || !known[spec['x-object']]) continue;
      input.value = known[spec['x-object']];
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }
  });
  return field('Объект из «Мои объекты»', picker, 'Заполнит наименование, адрес и другие известные данные объекта; их можно изменить.');
}

function checkFiles(files) {
  if (files.length > MAX_FILES) throw refuse(`Можно приложить не больше ${MAX_FILES} файлов.`);
  for (const file of files) {
    if (!fileType(file).match(/^(application\/pdf|image\/(jpeg|png|tiff))$/)) {
      throw refuse(`Файл «${file.name}» не подходит: можно приложить только PDF, JPEG, PNG или TIFF.`);
    }
    if (file.size > MAX_BYTES) throw refuse(`Файл «${file.name}» больше 10 МБ: уменьшите его или разделите на части.`);
    if (file.size === 0) throw refuse(`Файл «${file.name}» пустой.`);
  }
}

export async function render(root, { params, signal }) {
  useStyles();
  const type = (await requestTypes(signal)).find((t) => t.code === params.type);
  if (!type) {
    root.append(...pageTitle('Создание заявки'), message('Такого типа заявки нет.', 'error'), backLink());
    return;
  }
  let objects = [];
  try {
    objects = (await api.get('/api/objects', { signal })).items;
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
  }
  const key = newKey(); // one per form fill: a repeated «Отправить» cannot file a second request
  const uploaded = new Map();
  const chosen = el('ul', { class: 'req-files', 'aria-live': 'polite' });
  const files = el('input', {
    id: 'rq-files',
    name: 'attachments',
    type: 'file',
    multiple: true,
    accept: '.pdf,.jpg,.jpeg,.png,.tif,.tiff,application/pdf,image/jpeg,image/png,image/tiff',
  });
  files.addEventListener('change', () => {
    chosen.replaceChildren(...[...files.files].map((f) => el('li', {}, `${f.name} — ${formatSize(f.size)}`)));
  });
  const text = el('textarea', { id: 'rq-text', name: 'text', rows: 6, required: true, maxlength: 5000 });
  const form = el(
    'form',
    { id: 'request-form', class: 'form card', method: 'post', novalidate: true },
    field('Текст заявки', text, 'Подробно опишите необходимые действия.'),
    ...fieldsOf(type.fields_schema),
    el(
      'div',
      { class: 'field' },
      el('label', { for: 'rq-files' }, 'Выберите файл'),
      files,
      el('p', { class: 'hint', id: 'rq-files-hint' }, 'Отсканированное заявление с подписью: PDF, JPEG, PNG или TIFF, до 10 МБ, не больше 5 файлов.'),
      chosen,
    ),
    el('p', { class: 'form-note' }, el('span', { class: 'req', 'aria-hidden': 'true' }, '*'), ' Обязательные поля.'),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Отправить'),
  );
  files.setAttribute('aria-describedby', 'rq-files-hint');
  const picker = objectPicker(objects, type.fields_schema, form);
  if (picker) form.insertBefore(picker, form.querySelector('.field'));
  // A connection's procedure, derived as the applicant answers, before the files and «Отправить».
  if (type.fields_schema['x-procedures']) {
    form.insertBefore(procedurePreview(form, type.fields_schema['x-procedures']), files.closest('.field'));
    connectionWizard(form, type.fields_schema);
  }
  root.append(
    ...pageTitle(type.title, type.statutory_term ? `${type.description} Срок — ${type.statutory_term}.` : `Ориентировочный срок рассмотрения — ${workingDays(type.review_working_days)} с даты регистрации.`),
    form,
    backLink(),
  );
  bindForm(form, async (data) => {
    checkLengths(form);
    const list = chosenFiles(form);
    checkFiles(list);
    const attachments = await upload(list, uploaded, signal, 'Отправить');
    try {
      // With `fields` the API names each required field missing.
      const body = { type: type.code, ...data, fields: listed(data.fields || {}, type.fields_schema), attachments };
      const created = await api.post('/api/requests', body, { signal, headers: { 'Idempotency-Key': key } });
      // Its own address, replacing the form's: a reload shows it, not an empty form.
      window.location.replace(`#/requests/${encodeURIComponent(created.id)}/registered`);
    } catch (error) {
      // The service names files by position (attachments.0); the page shows them at the file input.
      if (error instanceof ApiError) error.errors = error.errors.map((e) => ({ ...e, field: e.field.startsWith('attachments') ? 'attachments' : e.field }));
      throw error;
    }
  });
}
