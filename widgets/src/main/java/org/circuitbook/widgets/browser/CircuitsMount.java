package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.CircuitsView;
import org.circuitbook.widgets.widget.WeightFiles;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLCanvasElement;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.HTMLOptionElement;
import org.teavm.jso.dom.html.HTMLSelectElement;

/**
 * The circuits widget: the bigram table of a zero- or one-layer attention-only model and, for a one-layer
 * model, each head's full OV and QK circuits, as token-by-token heatmaps ({@link CircuitsView}). A select
 * picks the table; pointing at a cell (mouse, pen or touch) or moving the cursor with the arrow keys on the
 * focused table reads the cell out.
 *
 * <p>The figure's {@code data-weights} lists the spec's files; the widget loads {@code final.safetensors}.
 * {@code data-view} ({@code bigram}, {@code ov}, {@code qk}) and {@code data-head} pick the first table,
 * unless the URL fragment holds this figure's state ({@code #ID:view=ov.2&cell=3.5}).
 */
final class CircuitsMount {
    private static int counter;

    private final HTMLElement figure;
    private HookedTransformer model;
    private SyntheticLanguage language;
    private CircuitsView.Circuit circuit;
    private HTMLSelectElement select;
    private HTMLCanvasElement canvas;
    private HTMLElement readout;
    private CanvasPainter painter;
    private int row = -1;
    private int col = -1;

    private CircuitsMount(HTMLElement figure) {
        this.figure = figure;
    }

    static void mount(HTMLElement figure) {
        WeightFiles files = Dom.weightFiles(figure);
        if (files == null) {
            return;
        }
        String url = files.finalUrl();
        CircuitsMount m = new CircuitsMount(figure);
        Dom.loadWeights(figure, url, "the model weights", file -> {
            m.model = HookedTransformer.fromWeights(file);
            String lang = file.metadata().get("language");
            m.language = lang == null ? null : SyntheticLanguage.fromJson(lang);
            m.build();
        });
    }

    private void build() {
        String id = "circuits-" + (++counter);
        HTMLElement live = Dom.create("div", "widget-live");
        HTMLElement controls = Dom.create("div", "widget-controls");
        HTMLElement label = Dom.label(id, "Table");
        select = Dom.create("select", null).cast();
        select.setAttribute("id", id);
        addOption("bigram", "Direct path: the bigram table");
        for (int h = 0; model.cfg().n_layers() > 0 && h < model.cfg().n_heads(); h++) {
            addOption("ov." + h, "Head 0." + h + ": OV circuit");
            addOption("qk." + h, "Head 0." + h + ": QK circuit");
        }
        controls.appendChild(label);
        controls.appendChild(select);

        canvas = Dom.create("canvas", "widget-canvas").cast();
        canvas.setAttribute("role", "img");
        canvas.setTabIndex(0);
        painter = new CanvasPainter(canvas, CircuitsView.WIDTH, CircuitsView.HEIGHT);
        readout = Dom.create("output", "widget-readout");
        readout.setAttribute("aria-live", "polite");
        readout.setAttribute("for", id);
        live.appendChild(controls);
        live.appendChild(canvas);
        live.appendChild(readout);

        String state = WidgetState.forFigure(figure.getAttribute("id"));
        String view = WidgetState.value(state, "view");
        if (view == null) {
            String v = Dom.option(figure, "view");
            String head = Dom.option(figure, "head");
            view = v == null || v.isEmpty() || v.equals("bigram") ? "bigram" : v + "." + (head == null || head.isEmpty() ? "0" : head);
        }
        select.setValue(view);
        if (select.getSelectedIndex() < 0) {
            select.setSelectedIndex(0); // a view this model does not have
        }
        String cell = WidgetState.value(state, "cell");
        choose(select.getValue());
        if (cell != null && cell.indexOf('.') > 0) {
            try {
                moveTo(Integer.parseInt(cell.substring(0, cell.indexOf('.'))), Integer.parseInt(cell.substring(cell.indexOf('.') + 1)));
            } catch (NumberFormatException e) {
                // a mangled link: no cursor
            }
        }

        Dom.showLive(figure, live);
        select.addEventListener("change", event -> {
            choose(select.getValue());
            save();
        });
        canvas.addEventListener("pointermove", event -> point((MouseEvent) event));
        canvas.addEventListener("pointerdown", event -> point((MouseEvent) event));
        canvas.addEventListener("keydown", event -> key((KeyboardEvent) event));
        canvas.addEventListener("focus", event -> {
            if (row < 0) {
                moveTo(0, 0);
            }
        });
        redraw();
        painter.follow(this::redraw);
        figure.setAttribute("data-state", "ready");
    }

    private void addOption(String value, String text) {
        HTMLOptionElement option = Dom.create("option", null).cast();
        option.setValue(value);
        option.setTextContent(text);
        select.appendChild(option);
    }

    private void choose(String value) {
        int dot = value.indexOf('.');
        String view = dot < 0 ? value : value.substring(0, dot);
        int head = dot < 0 ? -1 : Integer.parseInt(value.substring(dot + 1));
        circuit = CircuitsView.circuit(model, view, head, language);
        canvas.setAttribute("aria-label", CircuitsView.describe(circuit));
        redraw();
    }

    private void point(MouseEvent event) {
        double[] at = painter.at(event); // in the arrangement shown
        int[] cell = CircuitsView.cellAt(circuit, painter.narrow(), at[0], at[1]);
        if (cell != null && (cell[0] != row || cell[1] != col)) {
            moveTo(cell[0], cell[1]);
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
    }

    private void moveTo(int r, int c) {
        if (r < 0 || c < 0 || r >= circuit.size() || c >= circuit.size()) {
            return;
        }
        row = r;
        col = c;
        redraw();
        save();
    }

    private void save() {
        WidgetState.save(figure.getAttribute("id"), "view=" + select.getValue() + (row >= 0 ? "&cell=" + row + "." + col : ""));
    }

    private void redraw() {
        CircuitsView.paint(painter, circuit, row, col);
        readout.setTextContent(row >= 0 ? CircuitsView.readout(circuit, row, col)
                : "Point at a cell, or focus the table and use the arrow keys.");
    }
}
