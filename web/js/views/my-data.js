// «Мои данные»: the data export (GET /api/profile/export, 152-ФЗ ст. 14) as a page a person reads and
// prints — a section per part (profile, requests, objects, meters, readings, ASKUE), lists as tables —
// next to the JSON file «Профиль» downloads. Every value goes in as text.

import * as api from '../api.js';
import { el, pageTitle } from '../dom.js';
import { formatDateTime } from '../format.js';

// Russian names of the export's fields; a field not named here shows as it is called.
const NAMES = {
  user_id: 'Идентификатор', category: 'Категория', full_name: 'ФИО', org_name: 'Организация', email: 'Электронная почта',
  phone: 'Телефон', consent_given_at: 'Согласие дано', consent_text_version: 'Версия текста согласия', registered_at: 'Зарегистрирован',
  outage_mails: 'Письма об отключениях', number: 'Номер', type: 'Тип', type_title: 'Тип заявки', status: 'Статус', status_title: 'Статус',
  created_at: 'Создано', review_deadline: 'Срок рассмотрения', text: 'Текст', name: 'Название', address: 'Адрес',
  account_number: 'Лицевой счёт', account_state: 'Лицевой счёт подтверждён', cadastral_number: 'Кадастровый номер',
  meter_number: 'Прибор учёта', meter_type: 'Тип прибора', values: 'Показания', consumption: 'Расход', taken_at: 'Снято',
  source: 'Источник', billing_period: 'Расчётный период', last_values: 'Последние показания', last_taken_at: 'Последнее показание',
  login: 'Идентификатор АСКУЭ', state: 'Состояние', linked_at: 'Подключено', fetched_at: 'Получено', meters: 'Приборы учёта',
  fields: 'Поля заявки', messages: 'Переписка', files: 'Файлы', history: 'История', attachments: 'Файлы',
  consent_text_sha256: 'Отпечаток текста согласия (SHA-256)', consent_required: 'Нужно согласие с новой редакцией',
  mail_undeliverable_since: 'Письма не доставляются с', exported_at: 'Выгружено', id: 'Идентификатор',
  account_confirmed_at: 'Лицевой счёт подтверждён', digits: 'Разрядность', previous_taken_at: 'Предыдущее показание',
  rollover: 'Переход через ноль', corrections: 'Исправления', withdrawn_at: 'Удалено', day_only: 'Указан только день',
  settlement: 'Населённый пункт', street: 'Улица', house: 'Дом', rows: 'Строки', object_name: 'Объект', meter_name: 'Прибор учёта',
};
// Russian words for the export's coded values.
const VALUES = {
  individual: 'физическое лицо', legal: 'юридическое лицо', manual: 'вручную', askue: 'АСКУЭ', single_tariff: 'однотарифный',
  two_tariff: 'двухтарифный', three_tariff: 'трёхтарифный', pending: 'ожидает подтверждения', confirmed: 'подтверждён',
  active: 'действует', credentials_rejected: 'АСКУЭ не принимает пароль',
};
const SECTIONS = [
  ['profile', 'Профиль'],
  ['requests', 'Заявки'],
  ['objects', 'Мои объекты'],
  ['meters', 'Приборы учёта'],
  ['readings', 'Показания'],
  ['askue_link', 'Подключение АСКУЭ'],
  ['askue_snapshots', 'Данные АСКУЭ'],
];
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

const nameOf = (key) => NAMES[key] || key;

/** A value as text: a moment in Moscow time, yes/no, a list or an object in one line. */
function text(value) {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'да' : 'нет';
  if (typeof value === 'string') return TIME.test(value) ? formatDateTime(value) : VALUES[value] || value;
  if (Array.isArray(value)) return value.length ? value.map(text).join('; ') : '—';
  if (typeof value === 'object') return Object.entries(value).map(([k, v]) => `${nameOf(k)}: ${text(v)}`).join(', ');
  return String(value);
}

function facts(record) {
  return el('dl', { class: 'md-facts' }, Object.entries(record).flatMap(([key, value]) => [el('dt', {}, nameOf(key)), el('dd', {}, text(value))]));
}

function table(items, caption) {
  const columns = [...new Set(items.flatMap((item) => Object.keys(item)))];
  return el(
    'div',
    { class: 'md-scroll' },
    el(
      'table',
      { class: 'md-table' },
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, nameOf(c))))),
      el('tbody', {}, items.map((item) => el('tr', {}, columns.map((c) => el('td', {}, text(item[c])))))),
    ),
  );
}

function section(key, title, value) {
  const id = `md-${key}`;
  let body;
  if (Array.isArray(value)) body = value.length ? table(value, `${title}: ${value.length}`) : el('p', { class: 'muted' }, 'Нет.');
  else body = value ? facts(value) : el('p', { class: 'muted' }, 'Нет.');
  return el('section', { class: 'card md-section', 'aria-labelledby': id }, el('h2', { id }, title), body);
}

export async function render(root, { signal }) {
  for (const [href, media] of [['/css/my-data.css'], ['/css/print.css', 'print']]) {
    if (!document.querySelector(`link[href="${href}"]`)) document.head.append(el('link', { rel: 'stylesheet', href, media }));
  }
  const data = await api.get('/api/profile/export', { signal });
  const print = el('button', { type: 'button', class: 'btn btn-secondary', onclick: () => window.print() }, 'Распечатать');
  root.append(
    ...pageTitle('Мои данные', `Всё, что личный кабинет хранит о вас, на ${formatDateTime(data.exported_at)} (152-ФЗ, статья 14). Ссылки на файлы заявок действуют час.`),
    el('p', {}, print, ' ', el('a', { href: '#/profile' }, 'Скачать файлом JSON — в «Профиле»')),
    ...SECTIONS.map(([key, title]) => section(key, title, data[key])),
  );
}
