package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.LogitAttributionWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.LogitAttributionView;
import org.circuitbook.widgets.widget.TokenNames;
import org.teavm.jso.browser.Performance;
import org.teavm.jso.browser.Window;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The logit-attribution widget: the decomposition of {@link LogitAttributionView} for the reader's prompt (or a and
 * b), answer and wrong answer, recomputed on every change (one forward pass per prompt; p of them for modular
 * addition). Pointing at the heat map or the arrow keys on the focused drawing move the cursor: Left and Right the
 * column (position, or a), Up and Down the term read out. Its controls are
 * {@link LogitAttributionWidget#controls(HookedTransformer)}; the fragment holds them and the cursor
 * ({@code #ID:prompt=ba.lo.ba&answer=next&wrong=mean&cell=6.19}).
 */
final class LogitAttributionMount {
    private final HookedTransformer model;
    private final boolean modular;
    private final String[] names;
    private final TokenNames tokenNames; // how tokens are named and typed: the language's, a vocab's, or ids
    private final LivePanel panel;
    private final HTMLElement message;
    private final HTMLElement readout;
    private static final double BUDGET_MS = 5; // with the drawing, within one 16.7 ms frame
    private final Lcg random = new Lcg(System.currentTimeMillis());
    private int generation; // bumps on every recomputation, so a stale one stops filling
    private int[] tokens;
    private LogitAttributionView.Table table;
    private int row = -1;
    private int col;

    private LogitAttributionMount(HTMLElement figure, HookedTransformer model, boolean modular, TokenNames tokenNames) {
        this.model = model;
        this.modular = modular;
        this.tokenNames = tokenNames;
        names = tokenNames.names();
        panel = new LivePanel(figure, LogitAttributionWidget.controls(model, modular, tokenNames), LogitAttributionView.WIDTH,
                LogitAttributionView.HEIGHT);
        panel.focusable();
        message = panel.above(Dom.create("p", "widget-message"));
        message.setAttribute("role", "status");
        readout = panel.readout(null);
        String cell = panel.controls.value("cell");
        if (!modular && !parsePrompt()) {
            tokens = LogitAttributionView.defaultPrompt(model);
            panel.controls.set("prompt", tokenNames.format(tokens));
        }
        col = modular ? Integer.parseInt(panel.controls.value("a")) : 0;
        recompute();
        for (int a = 0; modular && a < table.cols(); a++) { // the first paint whole, as the static drawing is
            if (LogitAttributionView.pending(table, a)) {
                LogitAttributionView.fillPair(model, table, a, panel.controls.value("answer"));
            }
        }
        col = modular ? col : LogitAttributionWidget.firstColumn(table);
        if (cell != null && cell.indexOf('.') > 0) {
            try {
                moveTo(Integer.parseInt(cell.substring(0, cell.indexOf('.'))), Integer.parseInt(cell.substring(cell.indexOf('.') + 1)));
            } catch (NumberFormatException e) {
                // a mangled link: the first cursor
            }
        }
        panel.listen(key -> {
            if (key.equals("random")) {
                tokens = LogitAttributionView.repeat(random, model);
                panel.controls.set("prompt", tokenNames.format(tokens));
                Dom.text(message, "");
                col = tokens.length - 1;
            } else if (key.equals("prompt")) {
                if (!parsePrompt()) {
                    return false;
                }
                col = Math.min(col, tokens.length - 1);
            } else if (key.equals("a")) { // the table has every a already: only the cursor moves
                moveTo(row, Integer.parseInt(panel.controls.value("a")));
                return true;
            }
            recompute();
            moveTo(row, col);
            return true;
        });
        panel.canvas.addEventListener("pointermove", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("pointerdown", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("keydown", e -> key((KeyboardEvent) e));
        panel.show(this::redraw);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> {
            HookedTransformer model = HookedTransformer.fromWeights(file);
            new LogitAttributionMount(figure, model, LogitAttributionWidget.modular(file), TokenNames.of(file, model.cfg()));
        });
    }

    /** Reads the prompt field; on a problem says what is wrong and keeps the last good prompt. */
    private boolean parsePrompt() {
        int[] parsed = parsePrompt(panel.controls, message, model, tokenNames);
        tokens = parsed == null ? tokens : parsed;
        return parsed != null;
    }

    /**
     * The tokens of the {@code prompt} field (words by the synthetic language's names), or null when it holds a word that
     * is no token or a length the model cannot read: then {@code message} says so (else it is cleared).
     */
    static int[] parsePrompt(LiveControls controls, HTMLElement message, HookedTransformer model) {
        return checked(controls, message, model, text -> AttentionView.parse(text, model.cfg().d_vocab()));
    }

    /** As {@link #parsePrompt(LiveControls, HTMLElement, HookedTransformer)}, the words read by {@code names}. */
    static int[] parsePrompt(LiveControls controls, HTMLElement message, HookedTransformer model, TokenNames names) {
        return checked(controls, message, model, names::parse);
    }

    private static int[] checked(LiveControls controls, HTMLElement message, HookedTransformer model,
                                 java.util.function.Function<String, int[]> parse) {
        try {
            int[] parsed = parse.apply(controls.value("prompt").replace('.', ' '));
            if (parsed.length < 1 || parsed.length > model.cfg().n_ctx()) {
                throw new IllegalArgumentException("this model reads 1 to " + model.cfg().n_ctx() + " tokens");
            }
            Dom.text(message, "");
            return parsed;
        } catch (IllegalArgumentException e) {
            Dom.text(message, e.getMessage());
            return null;
        }
    }

    /** The table for the controls as they are: answers and wrong answers by rule or as one token everywhere. */
    private void recompute() {
        String answer = panel.controls.value("answer");
        String wrong = panel.controls.value("wrong");
        int current = ++generation;
        if (modular) {
            // the cursor's column at once, the other p - 1 forward passes a few per animation frame
            table = LogitAttributionView.pendingPairs(model, Integer.parseInt(panel.controls.value("b")), wrong);
            LogitAttributionView.fillPair(model, table, Math.max(0, Math.min(table.cols() - 1, col)), answer);
            Window.requestAnimationFrame(time -> fill(current, answer));
            return;
        }
        String a = answer.equals(LogitAttributionView.NEXT) ? answer : Integer.toString(panel.controls.index("answer") - 1);
        String w = wrong.equals(LogitAttributionView.BIGRAM) || wrong.equals(LogitAttributionView.MEAN) ? wrong
                : Integer.toString(panel.controls.index("wrong") - 2);
        table = LogitAttributionView.forPrompt(model, tokens, a, w, names);
    }

    /** Fills pending columns for about {@link #BUDGET_MS} per frame until done or until the reader changes something. */
    private void fill(int current, String answer) {
        if (current != generation) {
            return;
        }
        double start = Performance.now();
        int next = 0;
        while (next < table.cols() && Performance.now() - start < BUDGET_MS) {
            if (LogitAttributionView.pending(table, next)) {
                LogitAttributionView.fillPair(model, table, next, answer);
            }
            next++;
        }
        redraw();
        for (int a = 0; a < table.cols(); a++) {
            if (LogitAttributionView.pending(table, a)) {
                Window.requestAnimationFrame(time -> fill(current, answer));
                return;
            }
        }
    }

    private void point(MouseEvent event) {
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] cell = LogitAttributionView.cellAt(table, panel.painter.narrow(), at[0], at[1]);
        if (cell != null && (cell[0] != row || cell[1] != col)) {
            moveTo(cell[0], cell[1]);
        }
    }

    private void key(KeyboardEvent event) {
        int r = row;
        int c = col;
        switch (event.getKey()) {
            case "ArrowUp" -> r = Math.max(0, r - 1);
            case "ArrowDown" -> r = Math.min(table.rows() - 1, r + 1);
            case "ArrowLeft" -> c = Math.max(0, c - 1);
            case "ArrowRight" -> c = Math.min(table.cols() - 1, c + 1);
            case "Home" -> c = 0;
            case "End" -> c = table.cols() - 1;
            default -> {
                return;
            }
        }
        event.preventDefault();
        moveTo(r, c);
    }

    private void moveTo(int r, int c) {
        row = r < table.rows() ? r : -1;
        col = Math.max(0, Math.min(table.cols() - 1, c));
        if (modular && !Integer.toString(col).equals(panel.controls.value("a"))) {
            panel.controls.set("a", Integer.toString(col));
        }
        panel.controls.set("cell", row + "." + col);
        redraw();
        panel.controls.save();
    }

    private void redraw() {
        // the page's text first, where it changed: the canvas's text drawing waits for the page's layout
        Dom.attribute(panel.canvas, "aria-label", LogitAttributionView.describe(table, col));
        Dom.attribute(panel.canvas, "data-logit-diff", table.has(col) ? Double.toString(table.diff()[col]) : "");
        int done = 0;
        for (int a = 0; a < table.cols(); a++) {
            done += LogitAttributionView.pending(table, a) ? 0 : 1;
        }
        Dom.attribute(panel.canvas, "data-progress", done + "/" + table.cols());
        Dom.text(readout, LogitAttributionView.readout(table, row, col));
        LogitAttributionView.paint(panel.painter, table, row, col);
    }
}
