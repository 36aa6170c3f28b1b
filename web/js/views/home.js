// The cabinet's home at a glance: where the consumer's open requests stand (first those that need the
// consumer's answer), each meter's last reading and this month's consumption, the date of the ASKUE
// data, the outages at the consumer's objects, and what to do next. Six reads in parallel, each one
// DynamoDB call (docs/architecture.md «Home page»): the data lives in five tables owned by four
// functions, no single Query reaches it.

import * as api from '../api.js';
import * as consent from '../consent.js';
import { el, failure, pageTitle } from '../dom.js';
import { formatDate, formatDateTime, formatNumber, plural, reviewUntil } from '../format.js';
import { outageItem } from './outages.js';
import { statusBadge, useStyles } from './requests-ui.js';

const OPEN = ['needs_info', 'registered', 'in_review', 'in_progress']; // the order they are listed in
const NAMES = { t1: 'Т1', t2: 'Т2', t3: 'Т3' };
const kwh = (values) => Object.entries(values).map(([t, v]) => `${NAMES[t]} ${formatNumber(v)}`).join(', ') + ' кВт·ч';
const link = (href, text) => el('a', { href }, text);

function card(id, title, ...body) {
  return el('section', { class: 'card home-card', 'aria-labelledby': id }, el('h2', { id }, title), ...body);
}

function requestsCard(items) {
  const open = items.filter((r) => OPEN.includes(r.status)).sort((a, b) => OPEN.indexOf(a.status) - OPEN.indexOf(b.status));
  return card(
    'home-requests',
    'Мои заявки',
    open.length
      ? el(
          'ul',
          { class: 'home-list', 'aria-label': 'Открытые заявки' },
          open.map((r) =>
            el(
              'li',
              { class: r.status === 'needs_info' ? 'home-attention' : null },
              link(`#/requests/${r.id}`, `№ ${r.number}`),
              ' ',
              statusBadge(r),
              el('br'),
              el('span', { class: 'muted' }, `${r.type_title}. ${reviewUntil(r.review_deadline)}`),
            ),
          ),
        )
      : el('p', {}, 'Открытых заявок нет.'),
    el('p', {}, link('#/requests', 'Все заявки и подача новой')),
  );
}

function metersCard(meters, month) {
  const used = new Map(month.meters.map((m) => [m.meter_number, m.months[0]?.consumption]));
  return card(
    'home-meters',
    'Приборы учёта',
    meters.length
      ? el(
          'ul',
          { class: 'home-list', 'aria-label': 'Приборы учёта' },
          meters.map((m) => {
            const now = used.get(m.meter_number);
            return el(
              'li',
              {},
              el('strong', {}, `№ ${m.meter_number}`),
              el('br'),
              `Последнее показание ${formatDate(m.last_taken_at)}: ${kwh(m.last_values)}.`,
              el('br'),
              el('span', { class: 'muted' }, now && Object.keys(now).length ? `Расход в этом месяце: ${kwh(now)}.` : 'В этом месяце расхода по показаниям ещё нет.'),
            );
          }),
        )
      : el('p', {}, 'Показаний пока нет.'),
    el('p', {}, link('#/readings/consumption', 'Графики потребления')),
  );
}

function askueCard(latest) {
  const text = latest.fetched_at
    ? `Данные АСКУЭ от ${formatDateTime(latest.fetched_at)}: ${latest.rows.length} ${plural('прибор учёта', 'прибора учёта', 'приборов учёта', latest.rows.length)}.`
    : 'Данных АСКУЭ пока нет.';
  return card('home-askue', 'АСКУЭ', el('p', {}, text), el('p', {}, link('#/readings/askue', 'Данные АСКУЭ')));
}

function outagesCard(mine) {
  return card(
    'home-outages',
    'Отключения на моих объектах',
    mine.items.length
      ? el(
          'ul',
          { class: 'outage-list', 'aria-label': 'Отключения на моих объектах' },
          mine.items.map((m) => outageItem(m.outage, [el('br'), el('span', {}, `Объекты: ${m.objects.map((o) => o.name + ' (дом ' + o.house + ')').join(', ')}`)])),
        )
      : el('p', {}, 'Отключений по адресам ваших объектов нет.'),
    el('p', {}, link('#/outages', 'Все отключения')),
  );
}

function nextSteps(requests, meters, month, latest) {
  const steps = requests
    .filter((r) => r.status === 'needs_info')
    .map((r) => [`#/requests/${r.id}`, `Ответьте на уточнения по заявке № ${r.number}`]);
  const read = new Set(month.meters.map((m) => m.meter_number));
  for (const m of meters) if (!read.has(m.meter_number)) steps.push(['#/readings/manual', `Передайте показания прибора № ${m.meter_number} за этот месяц`]);
  if (!meters.length) steps.push(['#/readings/manual', 'Передайте показания приборов учёта']);
  if (latest.link.state === 'credentials_rejected') steps.push(['#/readings/askue', 'Введите действующий пароль АСКУЭ']);
  steps.push(['#/requests', 'Подайте заявку на услугу']);
  return card('home-next', 'Что дальше', el('ul', { class: 'home-list' }, steps.map(([href, text]) => el('li', {}, link(href, text)))));
}

export async function render(root, { signal, navigate }) {
  useStyles();
  for (const sheet of ['/css/home.css', '/css/outages.css']) {
    if (!document.querySelector(`link[href="${sheet}"]`)) document.head.append(el('link', { rel: 'stylesheet', href: sheet }));
  }
  const [profile, requests, meters, month, latest, outages] = await Promise.allSettled(
    [consent.takeProfile() ?? api.get('/api/profile', { signal }), ...['/api/requests', '/api/readings/meters', '/api/readings/monthly?months=1', '/api/askue/latest', '/api/outages/mine'].map((path) => api.get(path, { signal }))],
  ).then((all) => all.map((r) => (r.status === 'fulfilled' ? r.value : r.reason)));
  const failed = [requests, meters, month, latest, outages].find((r) => r instanceof Error);
  if (failed?.name === 'AbortError' || failed?.expired) throw failed;
  // A person by name; an organisation neutrally: «Здравствуйте, ООО …!» greets no one, and a legal
  // entity's profile names no representative (functions/auth/models.py, ProfileOutput).
  const name = profile.category === 'individual' ? profile.full_name : null;
  root.append(...pageTitle(name ? `Здравствуйте, ${name}!` : 'Здравствуйте!', 'Главная страница личного кабинета: ваши заявки, показания и данные АСКУЭ.'));
  if (failed) {
    root.append(failure(failed.detail || 'Не удалось загрузить данные.', () => navigate('/')));
    return;
  }
  root.append(
    el(
      'div',
      { class: 'home-grid' },
      nextSteps(requests.items, meters.items, month, latest),
      outagesCard(outages),
      requestsCard(requests.items),
      metersCard(meters.items, month),
      askueCard(latest),
    ),
  );
}
