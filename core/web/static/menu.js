// menu.js: on narrow screens the main menu folds behind a "Menu" button, a
// disclosure (aria-expanded, aria-controls); Escape closes it and returns to
// the button. Loaded in the head without defer, so that the page is marked
// before it is drawn (no menu flashing open then closed); without script the
// menu shows as on wide screens.
document.documentElement.classList.add('js');
document.addEventListener('DOMContentLoaded', function () {
  var header = document.querySelector('.site-header');
  var button = header && header.querySelector('.menu-toggle');
  if (!button) return;
  function show(open) {
    button.setAttribute('aria-expanded', String(open));
    header.classList.toggle('menu-open', open);
  }
  button.addEventListener('click', function () {
    show(button.getAttribute('aria-expanded') !== 'true');
  });
  header.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && button.getAttribute('aria-expanded') === 'true') {
      show(false);
      button.focus();
    }
  });
});
