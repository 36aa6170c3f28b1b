// The company's public page for guests: what the cabinet offers, how to register and log in.

import { el } from '../dom.js';
import { showLogin, showRegister } from '../access.js';

const FEATURES = [
  ['Заявки', 'Подайте заявку на получение услуг в электронном виде, без обращения в офис компании, и проследите за её выполнением.'],
  ['Показания', 'Вводите показания приборов учёта и просматривайте историю переданных показаний.'],
  ['АСКУЭ', 'Получайте показания приборов учёта, подключённых к системе АСКУЭ.'],
];

const STEPS = [
  'Откройте вкладку «Регистрация» в форме доступа в правом верхнем углу страницы.',
  'Выберите категорию: физическое или юридическое лицо, и укажите ФИО или название организации.',
  'Введите email: это имя пользователя для входа, на него придёт пароль и служебные сообщения.',
  'Введите номер телефона: он нужен для ответов и уточнений по заявкам.',
  'Отметьте согласие на обработку персональных данных и нажмите «Зарегистрировать».',
];

export function render(root) {
  root.append(
    el(
      'section',
      { class: 'card outages-teaser', 'aria-labelledby': 'outages-teaser-title' },
      el('h2', { id: 'outages-teaser-title' }, 'Отключения электроэнергии'),
      el('p', {}, 'Плановые и аварийные отключения по вашему адресу — без входа в личный кабинет.'),
      el('a', { href: '#/outages', class: 'btn btn-secondary' }, 'Посмотреть отключения'),
    ),
    el(
      'section',
      { class: 'section', 'aria-labelledby': 'features-title' },
      el('h2', { id: 'features-title' }, 'С помощью личного кабинета вы можете'),
      el(
        'ul',
        { class: 'cards' },
        FEATURES.map(([title, text]) => el('li', { class: 'card feature' }, el('h3', {}, title), el('p', {}, text))),
      ),
    ),
    el(
      'div',
      { class: 'grid-2' },
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'howto-register' },
        el('h2', { id: 'howto-register' }, 'Как зарегистрироваться'),
        el('ol', { class: 'steps' }, STEPS.map((step) => el('li', {}, step))),
        el('p', {}, 'Система проверит данные и, если что-то заполнено неверно, подскажет, что исправить. После регистрации на указанный email придёт письмо с паролем.'),
        el('button', { type: 'button', class: 'btn btn-secondary', onclick: () => showRegister() }, 'Перейти к регистрации'),
      ),
      el(
        'section',
        { class: 'card', 'aria-labelledby': 'howto-login' },
        el('h2', { id: 'howto-login' }, 'Как войти'),
        el('p', {}, 'Введите в форме входа email, указанный при регистрации, и пароль из письма, затем нажмите «Войти».'),
        el('p', {}, 'После входа откроется главная страница личного кабинета и главное меню: «Заявки», «Показания», «Профиль».'),
        el('p', {}, 'Пароль можно сменить в разделе «Профиль»; если вы его забыли, нажмите «Забыли пароль?» под формой входа: на email придёт код для смены пароля.'),
        el('button', { type: 'button', class: 'btn btn-secondary', onclick: () => showLogin() }, 'Перейти ко входу'),
      ),
    ),
  );
}
