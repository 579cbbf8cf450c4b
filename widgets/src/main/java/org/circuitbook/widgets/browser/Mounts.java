package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.widget.LiveFigure;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The book's widgets' own mount code, as the widget definitions ({@code org.circuitbook.widgets.figures}) hand it
 * to {@link Main}: each takes the figure's element from the {@link LiveFigure} the generic mount made.
 */
public final class Mounts {
    private Mounts() {
    }

    public static void superposition(LiveFigure figure) {
        SuperpositionMount.mount(BrowserFigure.element(figure));
    }

    public static void attentionPatterns(LiveFigure figure) {
        AttentionMount.mount(BrowserFigure.element(figure));
    }

    public static void circuits(LiveFigure figure) {
        CircuitsMount.mount(BrowserFigure.element(figure));
    }

    public static void composition(LiveFigure figure) {
        CompositionMount.mount(BrowserFigure.element(figure));
    }

    public static void activationPatching(LiveFigure figure) {
        PatchingMount.mount(BrowserFigure.element(figure));
    }

    public static void logitAttribution(LiveFigure figure) {
        LogitAttributionMount.mount(BrowserFigure.element(figure));
    }

    public static void logitLens(LiveFigure figure) {
        LogitLensMount.mount(BrowserFigure.element(figure));
    }

    public static void grokking(LiveFigure figure) {
        GrokkingMount.mount(BrowserFigure.element(figure));
    }

    public static void saeExplorer(LiveFigure figure) {
        SaeExplorerMount.mount(BrowserFigure.element(figure));
    }

    public static void probe(LiveFigure figure) {
        ProbeMount.mount(BrowserFigure.element(figure));
    }

    public static void steering(LiveFigure figure) {
        SteeringMount.mount(BrowserFigure.element(figure));
    }

    public static void factEditing(LiveFigure figure) {
        FactEditingMount.mount(BrowserFigure.element(figure));
    }
}
