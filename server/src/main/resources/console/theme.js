// Portcullis console: the theme the person chose (light, dark, or the system's), applied before the page is
// drawn so it never flashes the other one. Loaded without defer for that reason; console.js wires the switch.
(function () {
  try {
    var theme = localStorage.getItem('portcullis-theme');
    if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  } catch (e) { /* storage refused: the system's preference applies */ }
})();
