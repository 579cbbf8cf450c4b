package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.widget.LiveMount;
import org.circuitbook.widgets.widget.Widget;
import org.teavm.jso.dom.html.HTMLDocument;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.xml.NodeList;

/**
 * Entry point of the widgets bundle: mounts every {@code <figure data-widget="NAME">} on the page when it
 * comes near the viewport (its {@code data-state} goes waiting, loading, ready or error). The page calls
 * {@code main([])} once, after the figures are in the DOM.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        SimdProduct.install(); // matrix products in WebAssembly SIMD where this browser can
        Dom.watchTheme();
        NodeList<? extends HTMLElement> figures = HTMLDocument.current().querySelectorAll("figure[data-widget]:not([data-static])");
        for (int i = 0; i < figures.getLength(); i++) {
            HTMLElement figure = figures.item(i);
            if (figure.getAttribute("id") == null || figure.getAttribute("id").isEmpty()) {
                figure.setAttribute("id", "widget-" + (i + 1)); // a name for its state in the URL fragment
            }
            if (!"loading".equals(figure.getAttribute("data-state"))) { // boot.js marks those it loaded the bundle for
                figure.setAttribute("data-state", "waiting");
            }
            if (WidgetState.forFigure(figure.getAttribute("id")) != null) {
                mount(figure); // a shared link to this figure: mount it now and bring it into view
                Dom.scrollIntoView(figure);
            } else {
                Dom.whenNear(figure, () -> mount(figure));
            }
        }
    }

    private static void mount(HTMLElement figure) {
        String name = figure.getAttribute("data-widget");
        Widget widget = Widgets.BOOK.get(name);
        LiveMount mounter = widget == null ? null : widget.live();
        if (mounter == null) {
            Dom.showError(figure, "This page asks for a widget called \"" + name
                    + "\", which this version of the widgets bundle does not have.");
            return;
        }
        figure.setAttribute("data-state", "loading");
        mounter.mount(new BrowserFigure(figure));
    }
}
