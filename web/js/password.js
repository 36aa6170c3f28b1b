// An eye button inside each password field: shows or hides what was typed (loaded by the router
// for pages that have a password input).

const EYE = '<svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false"><path d="M12 5C6.5 5 2.7 9.4 1.5 12c1.2 2.6 5 7 10.5 7s9.3-4.4 10.5-7C21.3 9.4 17.5 5 12 5zm0 11.5a4.5 4.5 0 1 1 0-9 4.5 4.5 0 0 1 0 9zm0-2.5a2 2 0 1 0 0-4 2 2 0 0 0 0 4z" fill="currentColor"/></svg>';

export function addPasswordToggles(scope) {
  for (const input of scope.querySelectorAll('input[type="password"]:not([data-toggle])')) {
    input.dataset.toggle = '';
    const wrap = document.createElement('span');
    wrap.className = 'password-wrap';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'password-toggle';
    button.innerHTML = EYE; // a constant icon, no user data
    if (input.id) button.setAttribute('aria-controls', input.id);
    const show = (on) => {
      input.type = on ? 'text' : 'password';
      button.classList.toggle('is-shown', on);
      button.setAttribute('aria-label', on ? 'Скрыть пароль' : 'Показать пароль');
      button.title = button.getAttribute('aria-label');
    };
    show(false);
    button.addEventListener('click', () => {
      show(input.type === 'password');
      input.focus();
    });
    input.form?.addEventListener('submit', () => show(false));
    const focused = document.activeElement === input; // moving it in the page would drop the focus
    input.replaceWith(wrap);
    wrap.append(input, button);
    if (focused) input.focus();
  }
}
