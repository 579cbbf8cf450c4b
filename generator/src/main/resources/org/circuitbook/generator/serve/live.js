/* Circuitbook's dev server (circuitbook serve): reloads the page when the book is rebuilt, and lays the
   build's problems over the page while the sources are broken. The server adds this script to the HTML it
   serves; it is never part of the built site. Same-origin, no inline code, and the DOM is built with
   createElement and textContent, so it runs under the site's Content-Security-Policy. */
(function () {
  "use strict";
  var script = document.currentScript;
  var build = script ? script.getAttribute("data-build") : null;
  var scrollKey = "circuitbook-live-scroll:" + location.pathname + location.search;
  var host = null;
  var shownFor = null;
  var hiddenFor = null;

  restoreScroll();

  /* After a reload: back to where the reader was (again once images and fonts have laid out). */
  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(scrollKey);
      sessionStorage.removeItem(scrollKey);
    } catch (e) { /* storage blocked: the browser's own restoration applies */ }
    if (!saved) {
      return;
    }
    var at = JSON.parse(saved);
    var apply = function () { window.scrollTo(at.x, at.y); };
    apply();
    if (document.readyState !== "complete") {
      window.addEventListener("load", apply);
    }
  }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    } catch (e) { /* reload without restoring */ }
    location.reload();
  }

  var events = new EventSource("/__circuitbook/events");
  events.addEventListener("state", function (message) {
    var state = JSON.parse(message.data);
    if (state.problems && state.problems.length > 0) {
      show(state.problems);
    } else {
      hide();
      if (build !== null && state.version !== build) {
        reload();
      }
    }
  });

  function theme() {
    var chosen = document.documentElement.getAttribute("data-theme");
    if (chosen === "dark" || chosen === "light") {
      return chosen;
    }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) {
      e.className = className;
    }
    if (text !== undefined && text !== null) {
      e.textContent = text;
    }
    return e;
  }

  function hide() {
    if (host) {
      host.remove();
      host = null;
    }
    hiddenFor = null;
  }

  function show(problems) {
    var signature = JSON.stringify(problems);
    if (hiddenFor === signature) {
      return; /* the reader hid these problems; new ones show again */
    }
    if (host) {
      host.remove();
    }
    shownFor = signature;
    host = element("circuitbook-overlay");
    host.setAttribute("data-theme", theme());
    var root = host.attachShadow({ mode: "open" });
    var style = element("link");
    style.rel = "stylesheet";
    style.href = "/__circuitbook/live.css";
    root.appendChild(style);

    var panel = element("section", "panel");
    panel.setAttribute("role", "alert");
    panel.setAttribute("aria-labelledby", "circuitbook-build-failed");
    var header = element("header", "header");
    var title = element("h2", "title", "Build failed: " + problems.length
        + (problems.length === 1 ? " problem" : " problems"));
    title.id = "circuitbook-build-failed";
    var close = element("button", "close", "Hide");
    close.type = "button";
    close.title = "Hide until the problems change (Esc)";
    close.addEventListener("click", function () { dismiss(signature); });
    header.appendChild(title);
    header.appendChild(close);
    panel.appendChild(header);
    panel.appendChild(element("p", "note",
        "The page shows the last good build. Save a fix and this goes away by itself."));

    var list = element("ol", "problems");
    problems.forEach(function (p) {
      var item = element("li", "problem");
      item.appendChild(element("p", "diagnostic", p.text));
      if (p.excerpt) {
        item.appendChild(excerpt(p));
      }
      list.appendChild(item);
    });
    panel.appendChild(list);
    root.appendChild(panel);
    document.documentElement.appendChild(host);
  }

  function dismiss(signature) {
    hide();
    hiddenFor = signature;
  }

  /* A few lines of the source around the problem, numbered, with the column marked under its line. */
  function excerpt(p) {
    var pre = element("pre", "excerpt");
    var code = element("code");
    var width = String(p.excerpt.start + p.excerpt.lines.length - 1).length;
    p.excerpt.lines.forEach(function (text, i) {
      var number = p.excerpt.start + i;
      var row = element("span", number === p.line ? "row error" : "row");
      row.appendChild(element("span", "number", pad(String(number), width) + " | "));
      if (number === p.line && p.column > 0) {
        var at = Math.min(p.column - 1, text.length);
        row.appendChild(document.createTextNode(text.substring(0, at)));
        row.appendChild(element("mark", "at", at < text.length ? text.charAt(at) : " "));
        row.appendChild(document.createTextNode(text.substring(at + 1)));
        code.appendChild(row);
        code.appendChild(document.createTextNode("\n"));
        var caret = element("span", "row caret");
        caret.appendChild(element("span", "number", pad("", width) + " | "));
        caret.appendChild(document.createTextNode(text.substring(0, at).replace(/[^\t]/g, " ") + "^"));
        code.appendChild(caret);
      } else {
        row.appendChild(document.createTextNode(text));
        code.appendChild(row);
      }
      code.appendChild(document.createTextNode("\n"));
    });
    pre.appendChild(code);
    return pre;
  }

  function pad(s, width) {
    while (s.length < width) {
      s = " " + s;
    }
    return s;
  }

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && host) {
      dismiss(shownFor);
    }
  });

  /* Follow the page's theme (the header's button, or the system's) while the overlay is up. */
  new MutationObserver(function () {
    if (host) {
      host.setAttribute("data-theme", theme());
    }
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  if (window.matchMedia) {
    var dark = window.matchMedia("(prefers-color-scheme: dark)");
    if (dark.addEventListener) {
      dark.addEventListener("change", function () {
        if (host) {
          host.setAttribute("data-theme", theme());
        }
      });
    }
  }
})();
