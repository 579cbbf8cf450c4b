/* Circuitbook: light or dark. The reader's choice (the header's button) is kept in localStorage and set as
   <html data-theme>, before the page paints; without a choice, the system's preference applies (CSS media
   query). Loaded in <head>, synchronously, so the page never flashes the wrong theme. */
(function () {
  var root = document.documentElement;
  // scripts run: the stylesheet may fold what a script unfolds (the sidebar behind its button)
  root.classList.add("js");
  var key = "circuitbook-theme";
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  try {
    var saved = localStorage.getItem(key);
    if (saved === "dark" || saved === "light") {
      root.setAttribute("data-theme", saved);
    }
  } catch (e) { /* storage blocked: follow the system */ }

  function current() {
    var chosen = root.getAttribute("data-theme");
    return chosen === "dark" || chosen === "light" ? chosen : (dark && dark.matches ? "dark" : "light");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("theme-toggle");
    if (!button) {
      return;
    }
    function label() {
      var isDark = current() === "dark";
      button.setAttribute("aria-pressed", isDark ? "true" : "false");
      button.title = isDark ? "Switch to the light theme" : "Switch to the dark theme";
    }
    button.hidden = false;
    label();
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { localStorage.setItem(key, next); } catch (e) { /* kept for this page only */ }
      label();
    });
    if (dark && dark.addEventListener) {
      dark.addEventListener("change", label);
    }
  });
})();
