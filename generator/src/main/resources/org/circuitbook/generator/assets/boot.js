/* Circuitbook: loads the widgets bundle (named by this script's data-bundle, relative to the page) only when a
   <figure data-widget> comes within about a screen of the viewport, then starts it; the bundle mounts each figure
   as it nears the viewport. Until then the page shows the static figures, and a reader who never reaches a figure
   never downloads the bundle, which is most of a chapter's script. A file of its own rather than an inline
   script, so that the pages' Content-Security-Policy can forbid inline scripts. */
(function () {
  var script = document.currentScript;
  var figures = document.querySelectorAll('figure[data-widget]:not([data-static])');
  if (!script || figures.length === 0) {
    return;
  }
  var bundle = new URL(script.getAttribute('data-bundle'), document.baseURI).href;
  var observer = null;
  var started = false;
  // data-state: none (static, the bundle not asked for), loading (the bundle, then the figure's weights, on their
  // way: the stylesheet shows a loading bar), ready or error; the bundle's Main takes over once it runs
  function start(near) {
    if (started) {
      return;
    }
    started = true;
    for (var n = 0; n < near.length; n++) {
      near[n].setAttribute('data-state', 'loading');
    }
    if (observer) {
      observer.disconnect();
    }
    var tag = document.createElement('script');
    tag.src = bundle;
    tag.onload = function () { self.main([]); };
    tag.onerror = function () {
      for (var i = 0; i < figures.length; i++) {
        figures[i].setAttribute('data-state', 'error');
      }
      console.warn('Circuitbook: could not load ' + bundle + '; the figures stay static');
    };
    document.body.appendChild(tag);
  }
  if (!('IntersectionObserver' in window)) {
    start([]);
    return;
  }
  observer = new IntersectionObserver(function (entries) {
    var near = [];
    for (var i = 0; i < entries.length; i++) {
      if (entries[i].isIntersecting) {
        near.push(entries[i].target);
      }
    }
    if (near.length > 0) {
      start(near);
    }
  }, { rootMargin: '800px 0px' });
  for (var i = 0; i < figures.length; i++) {
    observer.observe(figures[i]);
  }
})();
