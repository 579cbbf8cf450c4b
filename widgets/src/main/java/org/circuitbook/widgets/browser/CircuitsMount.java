package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.CircuitsWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.CircuitsView;
import org.circuitbook.widgets.widget.TokenNames;
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
    private final String[] names; // the tokens' names: the language's, a vocab's, or ids (TokenNames)
    private final LivePanel panel;
    private final HTMLElement readout;
    private final HTMLElement successors;
    private CircuitsView.Circuit circuit;
    private double sharedRange; // every table's largest value (0: not measured yet)
    private CircuitsView.Circuit listedCircuit; // the table and row whose largest entries are listed
    private int listedRow = -2;
    private int row = -1;
    private int col = -1;

    private CircuitsMount(HTMLElement figure, HookedTransformer model, SyntheticLanguage language, String[] names) {
        this.model = model;
        this.language = language;
        this.names = names;
        panel = new LivePanel(figure, CircuitsWidget.controls(new BrowserFigure(figure), model.cfg().n_layers(),
                model.cfg().n_heads()), CircuitsView.WIDTH, CircuitsView.HEIGHT);
        panel.focusable();
        readout = panel.readout(panel.controls.id("view"));
        successors = panel.below(Dom.create("p", "widget-successors"));
        successors.setAttribute("aria-live", "polite");
        choose();
        int[] cell = panel.cell("cell");
        panel.controls.set("cell", null); // kept only if the table has the cell
        if (cell != null) {
            moveTo(cell[0], cell[1]);
        }
        panel.listen(key -> {
            if (key.equals("scale")) {
                redraw();
            } else {
                choose();
            }
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
            HookedTransformer model = HookedTransformer.fromWeights(file);
            new CircuitsMount(figure, model, lang == null ? null : SyntheticLanguage.fromJson(lang),
                    TokenNames.of(file, model.cfg()).names());
        });
    }

    private void choose() {
        String value = panel.controls.value("view");
        int dot = value.indexOf('.');
        String view = dot < 0 ? value : value.substring(0, dot);
        int head = dot < 0 ? -1 : Integer.parseInt(value.substring(dot + 1));
        circuit = CircuitsView.circuit(model, view, head, language, names);
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

    /** The colour scale's end: the table's own largest value, or every table's where the toggle shares one. */
    private double range() {
        if (!panel.controls.on("scale")) {
            return CircuitsView.range(circuit);
        }
        if (sharedRange == 0) {
            List<CircuitsView.Circuit> tables = new ArrayList<>();
            tables.add(CircuitsView.circuit(model, "bigram", -1, language, names));
            for (int h = 0; model.cfg().n_layers() > 0 && h < model.cfg().n_heads(); h++) {
                tables.add(CircuitsView.circuit(model, "ov", h, language, names));
                tables.add(CircuitsView.circuit(model, "qk", h, language, names));
            }
            sharedRange = CircuitsView.sharedRange(tables);
        }
        return sharedRange;
    }

    private void redraw() {
        // the page's text first, where it changed: the canvas's text drawing waits for the page's layout
        double range = range();
        Dom.attribute(panel.canvas, "aria-label", CircuitsView.describe(circuit, range));
        Dom.text(readout, row >= 0 ? CircuitsView.readout(circuit, row, col)
                : "Point at a cell, or focus the table and use the arrow keys.");
        if (listedCircuit != circuit || listedRow != row) {
            listedCircuit = circuit;
            listedRow = row;
            listTop();
        }
        CircuitsView.paint(panel.painter, circuit, row, col, range);
    }

    /**
     * The cursor's row's largest entries (none: hidden), each a token and its value ({@link CircuitsView#topText} as
     * text; each value's full precision in {@code data-value}).
     */
    private void listTop() {
        successors.setInnerHTML("");
        if (row < 0) {
            successors.setAttribute("hidden", "");
            return;
        }
        successors.removeAttribute("hidden");
        successors.appendChild(Dom.textNode(CircuitsView.topIntro(circuit, row)));
        int[] top = CircuitsView.topInRow(circuit, row);
        for (int t = 0; t < top.length; t++) {
            successors.appendChild(Dom.textNode(t == 0 ? " " : ", "));
            HTMLElement term = Dom.create("span", "widget-successor");
            term.setAttribute("data-column", Integer.toString(top[t]));
            term.setAttribute("data-value", Double.toString(circuit.values().get(row, top[t])));
            term.setTextContent(CircuitsView.topTerm(circuit, row, top[t]));
            successors.appendChild(term);
        }
    }
}
