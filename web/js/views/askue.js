// «АСКУЭ»: the meters connected to ASKUE — data on demand, the latest synced data, the remembered link.

import * as api from '../api.js';
import { el, loading, message, pageTitle } from '../dom.js';
import { bindForm } from '../forms.js';
import { formatDateTime, formatNumber } from '../format.js';

const COLUMNS = [
  ['object_name', 'Название объекта'],
  ['meter_name', 'Название прибора учёта'],
  ['active_import_kwh', 'Прямая активная энергия, кВт·ч'],
  ['active_export_kwh', 'Обратная активная энергия, кВт·ч'],
  ['reactive_import_kvarh', 'Прямая реактивная энергия, квар·ч'],
  ['reactive_export_kvarh', 'Обратная реактивная энергия, квар·ч'],
  ['read_at', 'Дата получения информации'],
];
const SOURCES = { fetch: 'по запросу', sync: 'автоматическое обновление' };

function useStyles() {
  if (document.querySelector('link[data-view="askue"]')) return;
  document.head.append(el('link', { rel: 'stylesheet', href: '/css/askue.css', 'data-view': 'askue' }));
}

// XML 80020 marks values that are not commercial (reliable) data with a non-zero status; the total
// still holds them, so the cell says it is unreliable and which codes came, how many half-hours each.
function flagsOf(key, row) {
  return (row.flags || []).filter((flag) => flag.channel === key);
}

function cell(key, row) {
  if (key === 'read_at') return formatDateTime(row.read_at);
  // 80020: the point's name may be shared by several points (a feeder); its code tells them apart.
  if (key === 'meter_name' && row.measuring_point_code) {
    return el('span', {}, row.meter_name, el('span', { class: 'muted' }, ` (точка измерений ${row.measuring_point_code})`));
  }
  if (!key.endsWith('h')) return row[key];
  const number = formatNumber(row[key], { max: 3 });
  const flags = flagsOf(key, row);
  if (!flags.length) return number;
  const detail = flags.map((flag) => `статус ${flag.status} — ${flag.periods}`).join(', ');
  return el('span', {}, number, ' ', el('span', { class: 'askue-unreliable', title: `Получасовые значения с признаком недостоверности: ${detail}` }, `недостоверно (${detail})`));
}

function cellClass(key, row) {
  if (!key.endsWith('h')) return null;
  return flagsOf(key, row).length ? 'num unreliable' : 'num';
}

function table(rows) {
  if (!rows.length) return el('p', { class: 'muted' }, 'АСКУЭ не вернула ни одного прибора учёта.');
  return el(
    'div',
    { class: 'askue-scroll' },
    el(
      'table',
      { class: 'askue-table', id: 'askue-table' },
      el('caption', { class: 'visually-hidden' }, 'Приборы учёта, подключённые к АСКУЭ'),
      el('thead', {}, el('tr', {}, COLUMNS.map(([, title]) => el('th', { scope: 'col' }, title)))),
      el(
        'tbody',
        {},
        rows.map((row) =>
          el(
            'tr',
            {},
            COLUMNS.map(([key, title], i) =>
              el(i === 1 ? 'th' : 'td', { 'data-label': title, scope: i === 1 ? 'row' : null, class: cellClass(key, row) }, cell(key, row)),
            ),
          ),
        ),
      ),
    ),
    rows.some((row) => row.flags?.length)
      ? el('p', { class: 'hint', id: 'askue-unreliable-note' }, '«Недостоверно»: часть получасовых значений АСКУЭ передала с признаком недостоверности (статус не 0 в макете 80020); они включены в сумму.')
      : '',
  );
}

function linkText(link) {
  if (link.state === 'active') {
    return message(
      `Автоматическое обновление включено для идентификатора «${link.login}» (сохранён ${formatDateTime(link.linked_at)}). Данные обновляются по расписанию без ввода пароля.`,
      'info',
    );
  }
  if (link.state === 'credentials_rejected') {
    return message(
      `АСКУЭ перестала принимать сохранённый пароль для идентификатора «${link.login}» (${formatDateTime(link.rejected_at)}). Автоматическое обновление приостановлено: введите действующие идентификатор и пароль, отметьте «Запомнить для автоматического обновления» и нажмите «Получить данные».`,
      'warning',
    );
  }
  return el('p', { class: 'muted' }, 'Автоматическое обновление не настроено: отметьте «Запомнить для автоматического обновления», чтобы портал сам получал данные из АСКУЭ.');
}

function field(id, name, label, type, autocomplete) {
  return el(
    'div',
    { class: 'field' },
    el('label', { for: id, class: 'required' }, label),
    el('input', { id, name, type, autocomplete, required: true, maxlength: name === 'login' ? 128 : 256 }),
  );
}

function fetchForm(onFetched) {
  const form = el(
    'form',
    { id: 'askue-form', class: 'form', method: 'post', novalidate: true },
    field('askue-login', 'login', 'Идентификатор', 'text', 'username'),
    field('askue-password', 'password', 'Пароль', 'password', 'current-password'),
    el(
      'div',
      { class: 'field check' },
      el('input', { id: 'askue-remember', name: 'remember', type: 'checkbox', 'aria-describedby': 'askue-remember-hint' }),
      el('label', { for: 'askue-remember' }, 'Запомнить для автоматического обновления'),
      el('p', { class: 'hint', id: 'askue-remember-hint' }, 'Пароль хранится в зашифрованном виде; «Забыть» удаляет его.'),
    ),
    el('button', { type: 'submit', class: 'btn btn-primary' }, 'Получить данные'),
  );
  bindForm(form, async (data) => {
    const result = await api.post('/api/askue/fetch', data);
    form.elements.password.value = '';
    onFetched(result, data);
    return result.remembered
      ? 'Данные получены. Идентификатор и пароль сохранены: данные будут обновляться автоматически.'
      : 'Данные получены.';
  });
  return form;
}

export async function render(root, { signal }) {
  useStyles();
  const state = { rows: [], fetchedAt: null, source: null, link: { state: 'none' } };
  const status = el('div', { id: 'askue-link', 'aria-live': 'polite' });
  const forgetStatus = el('p', { class: 'form-success', role: 'status', hidden: true });
  const forget = el('button', { type: 'button', class: 'btn btn-secondary', id: 'askue-forget', hidden: true }, 'Забыть');
  const when = el('p', { class: 'muted', id: 'askue-fetched-at' });
  const data = el('div', { id: 'askue-data' }, loading());

  function show() {
    status.replaceChildren(linkText(state.link));
    forget.hidden = state.link.state === 'none';
    when.textContent = state.fetchedAt
      ? `Последнее получение данных: ${formatDateTime(state.fetchedAt)} (${SOURCES[state.source] || 'по запросу'}).`
      : 'Данных пока нет: введите идентификатор и пароль АСКУЭ и нажмите «Получить данные».';
    data.replaceChildren(state.fetchedAt ? table(state.rows) : '');
    if (state.rows.some((row) => row.profile)) data.append(el('p', {}, el('a', { href: '#/readings/consumption' }, 'Нагрузка за сутки по получасам — на графике')));
  }

  forget.addEventListener('click', async () => {
    forget.disabled = true;
    try {
      await api.del('/api/askue/link');
      state.link = { state: 'none' };
      show();
      forgetStatus.textContent = 'Идентификатор и пароль АСКУЭ удалены из личного кабинета. Полученные данные сохранены.';
      forgetStatus.hidden = false;
    } catch (error) {
      if (error?.expired) throw error;
      status.replaceChildren(message(error.detail || 'Не удалось удалить сохранённый пароль.', 'error'));
    } finally {
      forget.disabled = false;
    }
  });

  const form = fetchForm((result, sent) => {
    Object.assign(state, { rows: result.rows, fetchedAt: result.fetched_at, source: 'fetch' });
    if (result.remembered) state.link = { state: 'active', login: sent.login, linked_at: result.fetched_at };
    forgetStatus.hidden = true;
    show();
  });

  root.append(
    ...pageTitle('АСКУЭ', 'Последние данные по показаниям приборов учёта, подключённых к системе АСКУЭ. Для получения данных нужны идентификатор пользователя в системе АСКУЭ и пароль.'),
    el('section', { class: 'card askue-form', 'aria-labelledby': 'askue-form-title' }, el('h2', { id: 'askue-form-title' }, 'Получить данные'), form),
    el(
      'section',
      { class: 'card askue-result', 'aria-labelledby': 'askue-data-title' },
      el('h2', { id: 'askue-data-title' }, 'Приборы учёта'),
      status,
      el('div', { class: 'askue-actions' }, forget, forgetStatus),
      when,
      data,
    ),
  );

  try {
    const latest = await api.get('/api/askue/latest', { signal });
    Object.assign(state, { rows: latest.rows, fetchedAt: latest.fetched_at, source: latest.source, link: latest.link });
    show();
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    show();
    data.replaceChildren(message(error.detail || 'Не удалось загрузить последние данные АСКУЭ.', 'error'));
  }
}
