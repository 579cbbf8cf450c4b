/* Circuitbook: full-text search over the book, in the browser, with no server. The build writes
   search-index.json (every section of every chapter as plain text); this fetches it, relative to the page, the
   first time the search box is used (site.js shows the box, handles "/", and loads this script when the box first
   gets focus). Every term must match (whole words; the last one also as a prefix while
   it is being typed); section titles rank above chapter titles, which rank above the text. Keyboard: "/"
   focuses the box, Up and Down choose a result, Enter opens it, Escape closes the list. Results are built as
   DOM nodes (text nodes and <mark>), never as HTML from the index's text. */
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box || !window.fetch || !window.URL) {
    return;
  }
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-panel");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var indexUrl = new URL(box.getAttribute("data-index"), document.baseURI);
  var MAX_RESULTS = 20;
  var WORD = /[\p{L}\p{N}]+/gu;
  var sections = null;
  var loading = null;
  var failed = false;
  var results = [];
  var active = -1;
  box.hidden = false;

  /* lower case, one character for one, so that positions in the folded text are positions in the original */
  function fold(s) {
    var out = "";
    for (var i = 0; i < s.length; i++) {
      var c = s.charAt(i);
      if (c === "\u2019" || c === "\u2018") {
        out += "'";
        continue;
      }
      var lower = c.toLowerCase();
      out += lower.length === 1 ? lower : c;
    }
    return out;
  }

  function words(folded) {
    var counts = new Map();
    var m = folded.match(WORD) || [];
    for (var i = 0; i < m.length; i++) {
      counts.set(m[i], (counts.get(m[i]) || 0) + 1);
    }
    return counts;
  }

  function prepare(data) {
    var out = [];
    data.pages.forEach(function (page) {
      var pageWords = words(fold(page.title));
      page.sections.forEach(function (section) {
        var url = new URL(page.href + (section.id ? "#" + section.id : ""), indexUrl);
        if (url.protocol !== indexUrl.protocol) {
          return; // a result is a page of this site; a javascript: or data: href never becomes a link
        }
        out.push({
          href: url.href,
          kicker: page.kicker,
          page: page.title,
          opening: !section.id,
          title: section.title,
          text: section.text,
          titleFolded: fold(section.title),
          textFolded: fold(section.text),
          titleWords: words(fold(section.title)),
          pageWords: pageWords,
          textWords: words(fold(section.text))
        });
      });
    });
    return out;
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl.href).then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      }).then(function (data) {
        sections = prepare(data);
      }, function () {
        failed = true;
      });
    }
    return loading;
  }

  /* how often the term occurs in counts: whole words (and simple plurals), or words it begins when prefix */
  function hits(counts, term, prefix) {
    var n = 0;
    if (prefix) {
      counts.forEach(function (count, word) {
        if (word.lastIndexOf(term, 0) === 0) {
          n += count;
        }
      });
      return n;
    }
    n += counts.get(term) || 0;
    n += counts.get(term + "s") || 0;
    n += counts.get(term + "es") || 0;
    if (term.length > 3 && term.charAt(term.length - 1) === "s") {
      n += counts.get(term.slice(0, -1)) || 0;
    }
    return n;
  }

  function search(query) {
    var folded = fold(query);
    var terms = folded.match(WORD) || [];
    if (!terms.length) {
      return { terms: [], found: [] };
    }
    var typing = !/\s$/.test(query);
    var found = [];
    sections.forEach(function (s, order) {
      var score = 0;
      for (var i = 0; i < terms.length; i++) {
        var prefix = typing && i === terms.length - 1;
        var inTitle = hits(s.titleWords, terms[i], prefix);
        var inPage = hits(s.pageWords, terms[i], prefix);
        var inText = hits(s.textWords, terms[i], prefix);
        if (!inTitle && !inPage && !inText) {
          return;
        }
        score += (inTitle ? 20 : 0) + (inPage ? 6 : 0) + Math.min(inText, 8) + (s.textWords.has(terms[i]) || s.titleWords.has(terms[i]) ? 1 : 0);
      }
      var phrase = terms.join(" ");
      if (terms.length > 1 && (s.titleFolded.indexOf(phrase) >= 0 || s.textFolded.indexOf(phrase) >= 0)) {
        score += 10;
      }
      found.push({ section: s, score: score, order: order });
    });
    found.sort(function (a, b) { return b.score - a.score || a.order - b.order; });
    return { terms: terms, found: found };
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* the terms where a word starts, longest first */
  function pattern(terms) {
    var sorted = terms.slice().sort(function (a, b) { return b.length - a.length; });
    return new RegExp("(^|[^\\p{L}\\p{N}])(" + sorted.map(escapeRegExp).join("|") + ")", "gu");
  }

  /* text into node, with each match in a <mark> */
  function highlighted(node, text, folded, re) {
    var at = 0;
    var m;
    re.lastIndex = 0;
    while ((m = re.exec(folded)) !== null) {
      var start = m.index + m[1].length;
      var end = start + m[2].length;
      if (start > at) {
        node.appendChild(document.createTextNode(text.slice(at, start)));
      }
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      node.appendChild(mark);
      at = end;
      if (m[0].length === 0) {
        re.lastIndex++;
      }
    }
    if (at < text.length) {
      node.appendChild(document.createTextNode(text.slice(at)));
    }
  }

  /* about 180 characters of the text around its first match, cut at spaces */
  function excerpt(s, re) {
    var text = s.text;
    re.lastIndex = 0;
    var m = re.exec(s.textFolded);
    var from = 0;
    if (m) {
      from = Math.max(0, m.index + m[1].length - 60);
      if (from > 0) {
        var space = text.indexOf(" ", from);
        from = space >= 0 && space < m.index + m[1].length ? space + 1 : from;
      }
    }
    var to = Math.min(text.length, from + 180);
    if (to < text.length) {
      var back = text.lastIndexOf(" ", to);
      to = back > from + 80 ? back : to;
    }
    return { from: from, to: to };
  }

  function render(query) {
    var result = search(query);
    results = result.found.slice(0, MAX_RESULTS);
    active = -1;
    input.removeAttribute("aria-activedescendant");
    list.textContent = "";
    var re = result.terms.length ? pattern(result.terms) : null;
    results.forEach(function (r, i) {
      var s = r.section;
      var a = document.createElement("a");
      a.className = "search-result";
      a.id = "search-option-" + i;
      a.href = s.href;
      a.tabIndex = -1;
      a.setAttribute("role", "option");
      a.setAttribute("aria-selected", "false");
      var where = document.createElement("span");
      where.className = "search-result-page";
      where.textContent = s.kicker + " · " + s.page;
      a.appendChild(where);
      if (!s.opening) {
        var title = document.createElement("span");
        title.className = "search-result-title";
        highlighted(title, s.title, s.titleFolded, re);
        a.appendChild(title);
      }
      var cut = excerpt(s, re);
      var text = document.createElement("span");
      text.className = "search-result-excerpt";
      if (cut.from > 0) {
        text.appendChild(document.createTextNode("… "));
      }
      highlighted(text, s.text.slice(cut.from, cut.to), s.textFolded.slice(cut.from, cut.to), re);
      if (cut.to < s.text.length) {
        text.appendChild(document.createTextNode(" …"));
      }
      a.appendChild(text);
      a.addEventListener("mousemove", function () { select(i, false); });
      a.addEventListener("click", function () { close(); });
      list.appendChild(a);
    });
    var total = result.found.length;
    if (!result.terms.length) {
      status.textContent = "";
    } else if (!total) {
      status.textContent = "No results for \u201c" + query.trim() + "\u201d";
    } else {
      status.textContent = total + (total === 1 ? " result" : " results")
          + (total > results.length ? ", the best " + results.length + " shown" : "");
    }
    list.hidden = !results.length;
    if (results.length) {
      select(0, false);
    }
  }

  function select(i, scroll) {
    if (!results.length) {
      return;
    }
    active = (i + results.length) % results.length;
    Array.prototype.forEach.call(list.children, function (option, k) {
      option.setAttribute("aria-selected", k === active ? "true" : "false");
    });
    var option = list.children[active];
    input.setAttribute("aria-activedescendant", option.id);
    if (scroll) {
      option.scrollIntoView({ block: "nearest" });
    }
  }

  function open() {
    panel.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    panel.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function update() {
    var query = input.value;
    if (!query.trim()) {
      results = [];
      list.textContent = "";
      list.hidden = true;
      status.textContent = "";
      close();
      return;
    }
    open();
    if (sections) {
      render(query);
      return;
    }
    status.textContent = failed ? "The search index could not be loaded (the book must be served by a web server)."
        : "Loading the index\u2026";
    load().then(function () {
      if (input.value === query) {
        if (sections) {
          render(query);
        } else {
          status.textContent = "The search index could not be loaded (the book must be served by a web server).";
        }
      }
    });
  }

  input.addEventListener("focus", function () {
    load();
    if (input.value.trim()) {
      update();
    }
  });
  input.addEventListener("input", update);
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (panel.hidden && input.value.trim()) {
        update();
        return;
      }
      select(active + (e.key === "ArrowDown" ? 1 : -1), true);
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (!panel.hidden && results.length) {
        var href = results[Math.max(0, active)].section.href;
        close();
        window.location.href = href;
      }
    } else if (e.key === "Escape") {
      e.preventDefault();
      if (!panel.hidden) {
        close();
      } else if (input.value) {
        input.value = "";
        update();
      } else {
        input.blur();
      }
    }
  });
  // the list closes when focus or a click goes elsewhere
  box.addEventListener("focusout", function (e) {
    if (!e.relatedTarget || !box.contains(e.relatedTarget)) {
      close();
    }
  });
  document.addEventListener("click", function (e) {
    if (!box.contains(e.target)) {
      close();
    }
  });
  // site.js loads this script when the box first gets focus ("/" focuses it there): pick up from that moment
  if (document.activeElement === input) {
    load();
    if (input.value.trim()) {
      update();
    }
  }
})();
