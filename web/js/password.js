// «Показать пароль» after each password input (loaded by the router for pages that have one).

export function addPasswordToggles(scope) {
  for (const input of scope.querySelectorAll('input[type="password"]:not([data-toggle])')) {
    input.dataset.toggle = '';
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-secondary password-toggle';
    if (input.id) button.setAttribute('aria-controls', input.id);
    const show = (on) => {
      input.type = on ? 'text' : 'password';
      button.textContent = on ? 'Скрыть пароль' : 'Показать пароль';
    };
    show(false);
    button.addEventListener('click', () => {
      show(input.type === 'password');
      input.focus();
    });
    input.form?.addEventListener('submit', () => show(false));
    input.after(button);
  }
}
