/* Circuitbook: starts the widgets bundle (assets/widgets.js, loaded just before this file), which mounts each
   <figure data-widget> as it nears the viewport. A file of its own rather than an inline script, so that the
   pages' Content-Security-Policy can forbid inline scripts. */
self.main([]);
