// The cabinet's home page after login: a greeting and the sections of the main menu.

import * as api from '../api.js';
import { el, pageTitle } from '../dom.js';

const SECTIONS = [
  ['#/requests', 'Заявки', 'Подача заявки на услуги в электронном виде, без обращения в офис компании, и статусы оставленных заявок.'],
  ['#/readings', 'Показания', 'Ручной ввод показаний приборов учёта, просмотр ранее введённых показаний и данные АСКУЭ.'],
  ['#/profile', 'Профиль', 'Ваши регистрационные данные и смена пароля.'],
];

export async function render(root, { signal }) {
  let name = '';
  try {
    const profile = await api.get('/api/profile', { signal });
    name = profile.full_name || profile.org_name || '';
  } catch (error) {
    if (error?.name === 'AbortError' || error?.expired) throw error;
    // The greeting works without the name.
  }
  root.append(
    ...pageTitle(
      name ? `Здравствуйте, ${name}!` : 'Здравствуйте!',
      'Это главная страница личного кабинета потребителя. Он создан для облегчения и ускорения взаимодействия с сетевой компанией.',
    ),
    el('p', { class: 'muted' }, 'Перейдите в нужный раздел через главное меню или выберите его ниже.'),
    el(
      'ul',
      { class: 'cards' },
      SECTIONS.map(([href, title, text]) =>
        el('li', { class: 'card link-card' }, el('h2', {}, el('a', { href }, title)), el('p', {}, text)),
      ),
    ),
  );
}
