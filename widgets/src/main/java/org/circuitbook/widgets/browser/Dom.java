package org.circuitbook.widgets.browser;

import org.teavm.jso.JSBody;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.dom.html.HTMLDocument;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.typedarrays.ArrayBuffer;

/** Small DOM and network helpers shared by the widget mounts. */
final class Dom {
    private Dom() {
    }

    static HTMLElement create(String tag, String className) {
        HTMLElement el = HTMLDocument.current().createElement(tag);
        if (className != null) {
            el.setClassName(className);
        }
        return el;
    }

    /** Fetches {@code url} (relative to the page) as bytes; rejects with an Error on HTTP failure. */
    @JSBody(params = "url", script = "return fetch(url).then(function (r) {"
            + " if (!r.ok) { throw new Error('HTTP ' + r.status + ' fetching ' + url); }"
            + " return r.arrayBuffer(); });")
    static native JSPromise<ArrayBuffer> fetchBytes(String url);

    @JSBody(params = "error", script = "return String(error && error.message ? error.message : error);")
    static native String describe(Object error);

    @JSBody(params = "message", script = "console.error(message);")
    static native void consoleError(String message);

    /** Replaces a widget's live part with a readable error, and reports it on the console. */
    static void showError(HTMLElement figure, String message) {
        figure.setAttribute("data-state", "error");
        HTMLElement p = create("p", "widget-error");
        p.setAttribute("role", "alert");
        p.setTextContent(message);
        figure.appendChild(p);
        consoleError("circuitbook widget: " + message);
    }
}
