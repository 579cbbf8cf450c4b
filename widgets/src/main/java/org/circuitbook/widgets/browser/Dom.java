package org.circuitbook.widgets.browser;

import org.teavm.jso.JSBody;
import org.teavm.jso.JSFunctor;
import org.teavm.jso.JSObject;
import org.teavm.jso.core.JSPromise;
import org.teavm.jso.dom.html.HTMLDocument;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.xml.NodeList;
import java.util.function.Consumer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Int8Array;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.WeightFiles;

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

    /** A text node saying {@code text}, to put beside elements. */
    static org.teavm.jso.dom.xml.Text textNode(String text) {
        return HTMLDocument.current().createTextNode(text);
    }

    /**
     * Fetches the weights file {@code url} (relative to the page), one of those the figure lists in
     * {@code data-weights}, and has the browser check it against the SHA-256 the figure gives for it in
     * {@code data-integrity} (Subresource Integrity: a file whose bytes differ is rejected, never used).
     * Rejects with an Error that names the URL on an HTTP error, a network error or a checksum mismatch.
     */
    static JSPromise<ArrayBuffer> fetchWeights(HTMLElement figure, String url) {
        java.util.List<String> urls = Fmt.split(attribute(figure, "data-weights"), ' ');
        java.util.List<String> sums = Fmt.split(attribute(figure, "data-integrity"), ' ');
        int i = urls.indexOf(url);
        return fetchBytes(url, i >= 0 && i < sums.size() ? sums.get(i) : "");
    }

    /**
     * Fetches the weights file {@code url} as {@link #fetchWeights} does, parses it and hands it to
     * {@code then}; if the fetch, the checksum, the parse or {@code then} fails, shows
     * "Could not load WHAT (REASON)." in the figure and on the console.
     */
    static void loadWeights(HTMLElement figure, String url, String what, Consumer<SafeTensors> then) {
        fetchWeights(figure, url).then(buffer -> {
            then.accept(SafeTensors.fromBytes(new Int8Array(buffer).copyToJavaArray()));
            return null;
        }).catchError(error -> {
            String reason = describe(error);
            showError(figure, "Could not load " + what + " (" + reason + (reason.contains(url) ? "" : " in " + url) + ").");
            return null;
        });
    }

    /**
     * The figure's {@code data-weights} as {@link WeightFiles}; null, with the error shown in the figure, when
     * they hold no {@code final.safetensors}.
     */
    static WeightFiles weightFiles(HTMLElement figure) {
        WeightFiles files = WeightFiles.parse(figure.getAttribute("data-weights"));
        if (files == null) {
            showError(figure, figure.getAttribute("data-widget")
                    + " widget: the figure lists no final.safetensors in data-weights.");
        }
        return files;
    }

    private static String attribute(HTMLElement element, String name) {
        String value = element.getAttribute(name);
        return value == null ? "" : value;
    }

    @JSBody(params = {"url", "integrity"}, script = "return fetch(url, integrity ? { integrity: integrity } : {})"
            + ".then(function (r) {"
            + "   if (!r.ok) { throw new Error('HTTP ' + r.status + ' fetching ' + url); }"
            + "   return r.arrayBuffer(); },"
            + " function () { throw new Error('could not fetch ' + url + (integrity ? ': a network error, or its'"
            + "   + ' contents do not match the SHA-256 checksum in the page' : ': a network error')); });")
    private static native JSPromise<ArrayBuffer> fetchBytes(String url, String integrity);

    @JSBody(params = "error", script = "return String(error && error.message ? error.message : error);")
    static native String describe(Object error);

    @JSBody(params = "message", script = "console.error(message);")
    static native void consoleError(String message);

    private static final java.util.List<Runnable> THEMED = new java.util.ArrayList<>();

    /**
     * Takes the page's theme now ({@link org.circuitbook.widgets.widget.Theme}) and follows it: when the reader
     * toggles it or the system's preference changes, every drawing registered with {@link #followTheme} is
     * repainted in the new colours. Called once, before any widget mounts.
     */
    static void watchTheme() {
        org.circuitbook.widgets.widget.Theme.setDark(pageIsDark());
        onThemeSignal(() -> {
            boolean dark = pageIsDark();
            if (dark != org.circuitbook.widgets.widget.Theme.isDark()) {
                org.circuitbook.widgets.widget.Theme.setDark(dark);
                THEMED.forEach(Runnable::run);
            }
        });
    }

    /** Repaints a mounted widget with {@code repaint} whenever the page's theme changes. */
    static void followTheme(Runnable repaint) {
        THEMED.add(repaint);
    }

    /** The reader's choice ({@code <html data-theme>}, set by the page's toggle), else the system's. */
    @JSBody(script = "var chosenTheme = document.documentElement.getAttribute('data-theme');"
            + "if (chosenTheme === 'dark' || chosenTheme === 'light') { return chosenTheme === 'dark'; }"
            + "return !!(window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches);")
    private static native boolean pageIsDark();

    @JSBody(params = "themeCallback", script = "new MutationObserver(function() { themeCallback(); })"
            + ".observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });"
            + "if (window.matchMedia) { window.matchMedia('(prefers-color-scheme: dark)')"
            + ".addEventListener('change', function() { themeCallback(); }); }")
    private static native void onThemeSignal(Callback themeCallback);

    /** A callback JavaScript can call. */
    @JSFunctor
    interface Callback extends JSObject {
        void run();
    }

    /**
     * Calls {@code callback} once, when {@code element} comes within 300 px of the viewport (at once where
     * the browser has no IntersectionObserver): widgets load their weights and mount only when needed.
     */
    @JSBody(params = {"element", "callback"}, script = "if (!('IntersectionObserver' in window)) { callback(); return; }"
            + " var observer = new IntersectionObserver(function (entries) {"
            + "   for (var i = 0; i < entries.length; i++) {"
            + "     if (entries[i].isIntersecting) { observer.disconnect(); callback(); return; } } },"
            + " { rootMargin: '300px 0px' });"
            + " observer.observe(element);")
    static native void whenNear(HTMLElement element, Callback callback);

    /** Called with true when an element comes on screen and false when it leaves. */
    @JSFunctor
    interface VisibilityCallback extends JSObject {
        void changed(boolean visible);
    }

    /**
     * Calls {@code callback} whenever {@code element} enters or leaves the viewport, so that a widget can pause
     * its animation or training while no one can see it (never, where the browser has no IntersectionObserver).
     */
    @JSBody(params = {"element", "callback"}, script = "if (!('IntersectionObserver' in window)) { return; }"
            + " new IntersectionObserver(function (entries) {"
            + "   callback(entries[entries.length - 1].isIntersecting); }).observe(element);")
    static native void whenVisibilityChanges(HTMLElement element, VisibilityCallback callback);

    /** The page's fragment without the '#', decoded ("" when there is none). */
    @JSBody(script = "try { return decodeURIComponent(location.hash.replace(/^#/, '')); }"
            + " catch (e) { return location.hash.replace(/^#/, ''); }")
    static native String fragment();

    /** Replaces the page's fragment without scrolling or adding a history entry. */
    @JSBody(params = "fragment", script = "history.replaceState(history.state, '', '#' + fragment);")
    static native void replaceFragment(String fragment);

    @JSBody(params = "element", script = "element.scrollIntoView({ block: 'center' });")
    static native void scrollIntoView(HTMLElement element);

    /** A {@code <label for=forId>} with {@code text}. */
    /**
     * Sets {@code element}'s text, unless it already says that: writing even the same text makes the browser lay
     * the page out again, and a control's handler that then draws on a canvas waits for that layout.
     */
    static void text(HTMLElement element, String text) {
        if (!text.equals(element.getTextContent())) {
            element.setTextContent(text);
        }
    }

    /** Sets {@code element}'s attribute {@code name}, unless it already has that value (see {@link #text}). */
    static void attribute(HTMLElement element, String name, String value) {
        if (!value.equals(element.getAttribute(name))) {
            element.setAttribute(name, value);
        }
    }

    static HTMLElement label(String forId, String text) {
        HTMLElement label = create("label", null);
        label.setAttribute("for", forId);
        label.setTextContent(text);
        return label;
    }

    /**
     * The chapter's value of the figure's option {@code name} ({@code data-NAME}), or null when it gave none (or an
     * empty one). Notes the read in {@code data-options-read}, which the widget contract test compares with the
     * options the widget declares.
     */
    static String option(HTMLElement figure, String name) {
        String read = figure.getAttribute("data-options-read");
        String list = read == null ? "" : read;
        if (!(" " + list + " ").contains(" " + name + " ")) {
            figure.setAttribute("data-options-read", list.isEmpty() ? name : list + " " + name);
        }
        String value = figure.getAttribute("data-" + name);
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * Puts a widget's live part in its figure, above the caption, and hides the static fallback (the stylesheet
     * keeps its box, so the figure keeps its height). Every slider without tick marks of its own gets them: a tick
     * at each stop where it has at most 24 (a slider over checkpoints or trained models), else at its ends and
     * quarters.
     */
    static void showLive(HTMLElement figure, HTMLElement live) {
        HTMLElement fallback = figure.querySelector(".widget-fallback");
        if (fallback != null) {
            fallback.setAttribute("hidden", "");
        }
        figure.insertBefore(live, figure.querySelector("figcaption"));
        groupFields(live);
        NodeList<? extends HTMLElement> ranges = live.querySelectorAll("input[type=range]:not([list])");
        for (int i = 0; i < ranges.getLength(); i++) {
            HTMLElement range = ranges.item(i);
            double min = number(range.getAttribute("min"), 0);
            double max = number(range.getAttribute("max"), 100);
            double step = number(range.getAttribute("step"), 1);
            if (!(max > min) || !(step > 0)) {
                continue;
            }
            int stops = (int) Math.round((max - min) / step);
            java.util.List<String> values = new java.util.ArrayList<>();
            if (stops <= 24) {
                for (int k = 0; k <= stops; k++) {
                    values.add(Fmt.fixed(min + k * step, decimals(step)));
                }
            } else {
                for (int q = 0; q <= 4; q++) {
                    values.add(Fmt.fixed(min + Math.round(stops * q / 4.0) * step, decimals(step)));
                }
            }
            ticks(range, values);
        }
    }

    private static int counter;

    /**
     * Keeps each control with its label when a row of controls wraps: every {@code <label for=ID>} in a
     * {@code .widget-controls} row, the control {@code ID} right after it and an {@code <output for=ID>} right after
     * that go into one {@code <span class="widget-field">}, which wraps as a whole.
     */
    private static void groupFields(HTMLElement live) {
        NodeList<? extends HTMLElement> labels = live.querySelectorAll(".widget-controls > label[for]");
        for (int i = 0; i < labels.getLength(); i++) {
            HTMLElement label = labels.item(i);
            String id = label.getAttribute("for");
            HTMLElement control = element(label.getNextSibling());
            if (control == null || !id.equals(control.getAttribute("id"))) {
                continue;
            }
            HTMLElement field = create("span", "widget-field");
            label.getParentNode().insertBefore(field, label);
            field.appendChild(label);
            HTMLElement after = element(control.getNextSibling());
            field.appendChild(control);
            if (after != null && "OUTPUT".equals(after.getTagName()) && id.equals(after.getAttribute("for"))) {
                field.appendChild(after);
            }
        }
    }

    /** Tick marks on slider {@code range} at {@code values}: a {@code <datalist>} after it, named by its list. */
    static void ticks(HTMLElement range, java.util.List<String> values) {
        HTMLElement list = create("datalist", null);
        String id = "widget-ticks-" + (++counter);
        list.setAttribute("id", id);
        for (String v : values) {
            HTMLElement option = create("option", null);
            option.setAttribute("value", v);
            list.appendChild(option);
        }
        range.getParentNode().insertBefore(list, range.getNextSibling());
        range.setAttribute("list", id);
    }

    private static HTMLElement element(org.teavm.jso.dom.xml.Node node) {
        return node != null && node.getNodeType() == org.teavm.jso.dom.xml.Node.ELEMENT_NODE ? node.cast() : null;
    }

    private static double number(String text, double otherwise) {
        try {
            return text == null ? otherwise : Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static int decimals(double step) {
        int d = 0;
        while (d < 6 && Math.abs(step * Math.pow(10, d) - Math.round(step * Math.pow(10, d))) > 1e-9) {
            d++;
        }
        return d;
    }

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
