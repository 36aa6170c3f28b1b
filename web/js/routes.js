// The cabinet's pages: hash route → view module in js/views/.
//
// To add a page: write js/views/<name>.js exporting `render(root, ctx)` (see router.js) and add or
// update its entry here. `view: null` marks a page that is not built yet: it shows «Раздел готовится».
// `public: true` pages open without login; `guestView` is shown instead of `view` to a guest.
// Path segments written `:name` are parameters (ctx.params.name), e.g. '/requests/:id'.

export const routes = [
  { path: '/', view: 'home', guestView: 'public', public: true, title: 'Главная' },
  { path: '/requests', view: 'requests', title: 'Заявки' },
  { path: '/requests/new/:type', view: 'requests-new', title: 'Создание заявки', parent: '/requests' },
  { path: '/requests/:id/registered', view: 'requests-registered', title: 'Заявка зарегистрирована' },
  { path: '/requests/:id', view: 'requests-detail', title: 'Заявка', parent: '/requests' },
  { path: '/readings', view: 'readings', title: 'Показания' },
  { path: '/readings/manual', view: 'readings-manual', title: 'Ручной ввод показаний', parent: '/readings' },
  { path: '/readings/history', view: 'readings-history', title: 'Просмотр ранее введённых показаний', parent: '/readings' },
  { path: '/readings/askue', view: 'askue', title: 'АСКУЭ', parent: '/readings' },
  { path: '/readings/consumption', view: 'consumption', title: 'Графики потребления' },
  { path: '/objects', view: 'objects', title: 'Мои объекты' },
  { path: '/profile', view: 'profile', title: 'Профиль' },
  { path: '/profile/data', view: 'my-data', title: 'Мои данные', parent: '/profile' },
  { path: '/outages', view: 'outages', public: true, title: 'Отключения электроэнергии' },
  { path: '/privacy', view: 'privacy', public: true, title: 'Политика обработки персональных данных' },
];
