package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.widget.LiveFigure;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * A {@code <figure data-widget>} as the shared code sees it. Every option a mount reads through {@link #option}
 * (or {@link Dom#option}) is listed in the figure's {@code data-options-read}, so that a browser test can check
 * that the live figure honours every option its widget declares.
 */
final class BrowserFigure implements LiveFigure {
    private final HTMLElement element;

    BrowserFigure(HTMLElement element) {
        this.element = element;
    }

    /** The element of a figure this package made. */
    static HTMLElement element(LiveFigure figure) {
        return ((BrowserFigure) figure).element;
    }

    @Override
    public String id() {
        return element.getAttribute("id");
    }

    @Override
    public String option(String name) {
        return Dom.option(element, name);
    }
}
