/**
 * The browser front end: the only package that imports {@code org.teavm.jso}. It finds every
 * {@code <figure data-widget>} on the page, fetches the weights the generator published, and wires DOM
 * controls and canvases to the shared model and widget code. TeaVM compiles {@link
 * org.circuitbook.widgets.browser.Main} and everything it reaches into one bundle, {@code widgets.js}.
 */
package org.circuitbook.widgets.browser;
