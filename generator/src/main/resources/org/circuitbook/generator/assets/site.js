/* Circuitbook: the reader's chrome. On narrow screens the chapters sidebar folds behind the header's button;
   a scroll-spy marks the section being read in the sidebar and in the chapter's contents. No dependencies. */
(function () {
  "use strict";
  var root = document.documentElement;

  /* ---- the sidebar behind its button (narrow screens) ---- */
  var toggle = document.getElementById("sidebar-toggle");
  var sidebar = document.getElementById("sidebar");
  if (toggle && sidebar) {
    toggle.hidden = false;
    var setOpen = function (open, focusBack) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      root.classList.toggle("sidebar-open", open);
      if (open) {
        var current = sidebar.querySelector("[aria-current=page]") || sidebar.querySelector("a");
        if (current) {
          current.focus();
        }
      } else if (focusBack) {
        toggle.focus();
      }
    };
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true", false);
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && root.classList.contains("sidebar-open")) {
        setOpen(false, true);
      }
    });
    // a link followed inside the open drawer (a section of this page) closes it
    sidebar.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("a") && root.classList.contains("sidebar-open")) {
        setOpen(false, false);
      }
    });
    // a tap outside the open drawer closes it
    document.addEventListener("click", function (e) {
      if (root.classList.contains("sidebar-open") && !sidebar.contains(e.target) && !toggle.contains(e.target)) {
        setOpen(false, false);
      }
    });
    // leaving the narrow layout with the drawer open
    if (window.matchMedia) {
      var wide = window.matchMedia("(min-width: 1024px)");
      var onWide = function () {
        if (wide.matches) {
          setOpen(false, false);
        }
      };
      if (wide.addEventListener) {
        wide.addEventListener("change", onWide);
      }
    }
  }

  /* ---- search: the box shows at once, but assets/search.js (and then the index) is fetched only when a reader
     reaches for it (the box gets focus: a click, Tab, or "/"), so a page's first load does not carry it; search.js
     takes over from there, including a query typed before it arrived ---- */
  var search = document.getElementById("search");
  var searchInput = document.getElementById("search-input");
  if (search && searchInput && search.getAttribute("data-script") && window.fetch && window.URL) {
    search.hidden = false;
    var searchScript = null;
    var loadSearch = function () {
      if (!searchScript) {
        searchScript = document.createElement("script");
        searchScript.src = search.getAttribute("data-script");
        document.body.appendChild(searchScript);
      }
    };
    searchInput.addEventListener("focus", loadSearch);
    searchInput.addEventListener("pointerenter", loadSearch); // a pointer on its way to the box
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) {
        return;
      }
      var t = e.target;
      var tag = t && t.tagName ? t.tagName.toLowerCase() : "";
      if (tag === "input" || tag === "textarea" || tag === "select" || (t && t.isContentEditable)) {
        return;
      }
      e.preventDefault();
      searchInput.focus();
      searchInput.select();
    });
  }

  /* ---- scroll-spy: the section being read ---- */
  var lists = Array.prototype.slice.call(document.querySelectorAll(".toc-chapter, .sidebar-sections"));
  if (!lists.length || !("IntersectionObserver" in window)) {
    return;
  }
  var headings = [];
  var seen = {};
  lists.forEach(function (list) {
    Array.prototype.forEach.call(list.querySelectorAll("a[href^='#']"), function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var heading = document.getElementById(id);
      if (heading && !seen[id]) {
        seen[id] = true;
        headings.push(heading);
      }
    });
  });
  headings.sort(function (a, b) {
    return a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
  });
  var marked = null;

  function mark(id) {
    if (id === marked) {
      return;
    }
    marked = id;
    lists.forEach(function (list) {
      var links = list.querySelectorAll("a[href^='#']");
      // a list without this heading (the sidebar lists only second-level ones) marks the section containing it
      var target = null;
      if (id !== null) {
        var index = headings.map(function (h) { return h.id; }).indexOf(id);
        for (var k = index; k >= 0 && !target; k--) {
          target = list.querySelector("a[href='#" + CSS.escape(headings[k].id) + "']");
        }
      }
      Array.prototype.forEach.call(links, function (a) {
        if (a === target) {
          a.setAttribute("aria-current", "location");
          a.classList.add("is-current");
        } else if (a.classList.contains("is-current")) {
          a.removeAttribute("aria-current");
          a.classList.remove("is-current");
        }
      });
    });
  }

  // the section being read: the last heading above the top third of the window
  function update() {
    var line = window.innerHeight * 0.3;
    var current = null;
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].getBoundingClientRect().top <= line) {
        current = headings[i].id;
      } else {
        break;
      }
    }
    mark(current);
  }

  // IntersectionObserver calls back whenever a heading crosses the line, however the page moved (scrolling,
  // a link, find-in-page, a widget resizing): the only moments the answer can change
  var observer = new IntersectionObserver(update, { rootMargin: "0px 0px -70% 0px", threshold: [0, 1] });
  headings.forEach(function (h) { observer.observe(h); });
  window.addEventListener("hashchange", update);
  // a jump that carries a heading from below the window to above it crosses no line: settle after scrolling
  var settle = 0;
  window.addEventListener("scroll", function () {
    clearTimeout(settle);
    settle = setTimeout(update, 120);
  }, { passive: true });
  update();
})();
