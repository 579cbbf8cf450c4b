package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.CircuitsWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.CircuitsView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The circuits widget: the bigram table of a zero- or one-layer attention-only model and, for a one-layer
 * model, each head's full OV and QK circuits, as token-by-token heatmaps ({@link CircuitsView}). A select
 * picks the table; pointing at a cell (mouse, pen or touch) or moving the cursor with the arrow keys on the
 * focused table reads the cell out.
 *
 * <p>The widget loads {@code final.safetensors}. Its controls are {@link CircuitsWidget#controls(
 * org.circuitbook.widgets.widget.LiveFigure, int, int)}: {@code data-view} ({@code bigram}, {@code ov}, {@code qk})
 * and {@code data-head} pick the first table, unless the URL fragment holds this figure's state
 * ({@code #ID:view=ov.2&cell=3.5}).
 */
final class CircuitsMount {
    private final HookedTransformer model;
    private final SyntheticLanguage language;
    private final LivePanel panel;
    private final HTMLElement readout;
    private CircuitsView.Circuit circuit;
    private int row = -1;
    private int col = -1;

    private CircuitsMount(HTMLElement figure, HookedTransformer model, SyntheticLanguage language) {
        this.model = model;
        this.language = language;
        panel = new LivePanel(figure, CircuitsWidget.controls(new BrowserFigure(figure), model.cfg().n_layers(),
                model.cfg().n_heads()), CircuitsView.WIDTH, CircuitsView.HEIGHT);
        panel.focusable();
        readout = panel.readout(panel.controls.id("view"));
        choose();
        String cell = panel.controls.value("cell");
        panel.controls.set("cell", null); // kept only if this model has the cell
        if (cell != null && cell.indexOf('.') > 0) {
            try {
                moveTo(Integer.parseInt(cell.substring(0, cell.indexOf('.'))), Integer.parseInt(cell.substring(cell.indexOf('.') + 1)));
            } catch (NumberFormatException e) {
                // a mangled link: no cursor
            }
        }
        panel.listen(key -> {
            choose();
            return true;
        });
        panel.canvas.addEventListener("pointermove", event -> point((MouseEvent) event));
        panel.canvas.addEventListener("pointerdown", event -> point((MouseEvent) event));
        panel.canvas.addEventListener("keydown", event -> key((KeyboardEvent) event));
        panel.canvas.addEventListener("focus", event -> {
            if (row < 0) {
                moveTo(0, 0);
                panel.controls.save();
            }
        });
        panel.show(this::redraw);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> {
            String lang = file.metadata().get("language");
            new CircuitsMount(figure, HookedTransformer.fromWeights(file), lang == null ? null : SyntheticLanguage.fromJson(lang));
        });
    }

    private void choose() {
        String value = panel.controls.value("view");
        int dot = value.indexOf('.');
        String view = dot < 0 ? value : value.substring(0, dot);
        int head = dot < 0 ? -1 : Integer.parseInt(value.substring(dot + 1));
        circuit = CircuitsView.circuit(model, view, head, language);
        Dom.attribute(panel.canvas, "aria-label", CircuitsView.describe(circuit));
        redraw();
    }

    private void point(MouseEvent event) {
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] cell = CircuitsView.cellAt(circuit, panel.painter.narrow(), at[0], at[1]);
        if (cell != null && (cell[0] != row || cell[1] != col)) {
            moveTo(cell[0], cell[1]);
            panel.controls.save();
        }
    }

    private void key(KeyboardEvent event) {
        int n = circuit.size();
        int r = Math.max(row, 0);
        int c = Math.max(col, 0);
        switch (event.getKey()) {
            case "ArrowUp" -> r = Math.max(0, r - 1);
            case "ArrowDown" -> r = Math.min(n - 1, r + 1);
            case "ArrowLeft" -> c = Math.max(0, c - 1);
            case "ArrowRight" -> c = Math.min(n - 1, c + 1);
            case "Home" -> c = 0;
            case "End" -> c = n - 1;
            default -> {
                return;
            }
        }
        event.preventDefault();
        moveTo(r, c);
        panel.controls.save();
    }

    private void moveTo(int r, int c) {
        if (r < 0 || c < 0 || r >= circuit.size() || c >= circuit.size()) {
            return;
        }
        row = r;
        col = c;
        panel.controls.set("cell", r + "." + c);
        redraw();
    }

    private void redraw() {
        // the page's text first, where it changed: the canvas's text drawing waits for the page's layout
        Dom.text(readout, row >= 0 ? CircuitsView.readout(circuit, row, col)
                : "Point at a cell, or focus the table and use the arrow keys.");
        CircuitsView.paint(panel.painter, circuit, row, col);
    }
}
