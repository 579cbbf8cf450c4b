package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.figures.CompositionWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.CompositionView;
import org.circuitbook.widgets.widget.TokenNames;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The composition widget ({@link CompositionView}): selects for the composition (K, Q, V) and the two heads; pointing
 * at a cell of the table (mouse, pen or touch) or moving the cursor with the arrow keys on the focused drawing reads
 * the cell out; a click or tap on a cell of the score matrix chooses that pair of heads, as the selects do (Page Up and
 * Page Down step through the layer-1 heads from the keyboard).
 *
 * <p>The widget loads {@code final.safetensors}. Its controls are {@link CompositionWidget#controls(
 * org.circuitbook.widgets.widget.LiveFigure, int, int[])}: {@code data-kind}, {@code data-sender} and
 * {@code data-receiver} pick the first table, unless the URL fragment holds this figure's state
 * ({@code #ID:kind=k&sender=0.2&receiver=1.1&cell=3.5}).
 */
final class CompositionMount {
    private final HookedTransformer model;
    private final CompositionView.Summary summary;
    private final LivePanel panel;
    private final HTMLElement readout;
    private CompositionView.Chosen chosen;
    private int row = -1;
    private int col = -1;

    private CompositionMount(HTMLElement figure, HookedTransformer model, String[] names) {
        this.model = model;
        summary = CompositionView.summary(model, names);
        panel = new LivePanel(figure, CompositionWidget.controls(new BrowserFigure(figure), model.cfg().n_heads(),
                CompositionView.defaultPair(model)), CompositionView.WIDTH, CompositionView.HEIGHT);
        panel.focusable();
        readout = panel.readout(panel.controls.id("sender"));
        choose();
        int[] cell = panel.cell("cell");
        panel.controls.set("cell", null); // kept only if the table has the cell
        if (cell != null) {
            moveTo(cell[0], cell[1]);
        }
        panel.listen(key -> {
            choose();
            return true;
        });
        panel.canvas.addEventListener("pointermove", event -> point((MouseEvent) event, false));
        panel.canvas.addEventListener("pointerdown", event -> point((MouseEvent) event, true));
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
            HookedTransformer model = HookedTransformer.fromWeights(file);
            new CompositionMount(figure, model, TokenNames.of(file, model.cfg()).names());
        });
    }

    /** The table the controls ask for. */
    private void choose() {
        int sender = head(panel.controls.value("sender"));
        int receiver = head(panel.controls.value("receiver"));
        chosen = CompositionView.choose(model, summary, panel.controls.value("kind"), sender, receiver);
        redraw();
    }

    private static int head(String value) {
        return Integer.parseInt(value.substring(value.indexOf('.') + 1));
    }

    private void point(MouseEvent event, boolean press) {
        double[] at = panel.painter.at(event); // in the arrangement shown
        boolean narrow = panel.painter.narrow();
        int[] pair = press ? CompositionView.pairAt(chosen, narrow, at[0], at[1]) : null;
        if (pair != null) {
            choosePair(pair[0], pair[1]);
            return;
        }
        int[] cell = CompositionView.cellAt(chosen, narrow, at[0], at[1]);
        if (cell != null && (cell[0] != row || cell[1] != col)) {
            moveTo(cell[0], cell[1]);
            panel.controls.save();
        }
    }

    /** Chooses the pair (sender, receiver), as if the selects had been set to it. */
    private void choosePair(int sender, int receiver) {
        if (sender == chosen.sender() && receiver == chosen.receiver()) {
            return;
        }
        panel.controls.set("sender", "0." + sender);
        panel.controls.set("receiver", "1." + receiver);
        choose();
        panel.controls.save();
    }

    private void key(KeyboardEvent event) {
        int n = chosen.size();
        int r = Math.max(row, 0);
        int c = Math.max(col, 0);
        int heads = summary.heads();
        switch (event.getKey()) {
            case "ArrowUp" -> r = Math.max(0, r - 1);
            case "ArrowDown" -> r = Math.min(n - 1, r + 1);
            case "ArrowLeft" -> c = Math.max(0, c - 1);
            case "ArrowRight" -> c = Math.min(n - 1, c + 1);
            case "Home" -> c = 0;
            case "End" -> c = n - 1;
            case "PageDown" -> {
                event.preventDefault();
                choosePair(chosen.sender(), (chosen.receiver() + 1) % heads);
                return;
            }
            case "PageUp" -> {
                event.preventDefault();
                choosePair(chosen.sender(), (chosen.receiver() + heads - 1) % heads);
                return;
            }
            default -> {
                return;
            }
        }
        event.preventDefault();
        moveTo(r, c);
        panel.controls.save();
    }

    private void moveTo(int r, int c) {
        if (r < 0 || c < 0 || r >= chosen.size() || c >= chosen.table().dim(1)) {
            return;
        }
        row = r;
        col = c;
        panel.controls.set("cell", r + "." + c);
        redraw();
    }

    private void redraw() {
        // the page's text first: the canvas's text drawing waits for the page's layout
        Dom.attribute(panel.canvas, "aria-label", CompositionView.describe(chosen));
        Dom.text(readout, row >= 0 ? CompositionView.readout(chosen, row, col)
                : "Point at a cell, or focus the table and use the arrow keys; click a score to choose that pair.");
        CompositionView.paint(panel.painter, chosen, row, col);
    }
}
