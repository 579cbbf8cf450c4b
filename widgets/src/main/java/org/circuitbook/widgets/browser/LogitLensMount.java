package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.LogitLensWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitLens;
import org.circuitbook.widgets.widget.LogitAttributionView;
import org.circuitbook.widgets.widget.LogitLensView;
import org.circuitbook.widgets.widget.TokenNames;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The logit-lens widget ({@link LogitLensView}): the reader's prompt (the induction task first, another repeat or, for a
 * model trained on the book's synthetic language, a sample of it on a button; tokens named by {@link TokenNames}) run once, each stage read through the unembedding. Pointing at a cell or the
 * arrow keys on the focused grid read out its top tokens and the correct token's rank and probability. Controls:
 * {@link LogitLensWidget#controls(HookedTransformer, TokenNames)}; the fragment holds the prompt and the cursor
 * ({@code #ID:prompt=ba.lo.ba&cell=2.19}).
 */
final class LogitLensMount {
    private final HookedTransformer model;
    private final SyntheticLanguage language;
    private final TokenNames tokens;
    private final String[] names;
    private final LivePanel panel;
    private final HTMLElement message;
    private final HTMLElement readout;
    private final Lcg random = new Lcg(System.currentTimeMillis());
    private LogitLens lens;
    private int stage;
    private int pos;

    private LogitLensMount(HTMLElement figure, HookedTransformer model, TokenNames tokens) {
        this.model = model;
        this.tokens = tokens;
        language = tokens.language();
        names = tokens.names();
        panel = new LivePanel(figure, LogitLensWidget.controls(model, tokens), LogitLensView.WIDTH, LogitLensView.HEIGHT);
        panel.focusable();
        message = panel.above(Dom.create("p", "widget-message"));
        message.setAttribute("role", "status");
        readout = panel.readout(null);
        if (!parsePrompt()) {
            setPrompt(LogitLensView.defaultPrompt(model));
        }
        stage = lens.stages() - 1;
        pos = lens.positions() - 1;
        String cell = panel.controls.value("cell");
        if (cell != null && cell.indexOf('.') > 0) {
            try {
                stage = Math.max(0, Math.min(lens.stages() - 1, Integer.parseInt(cell.substring(0, cell.indexOf('.')))));
                pos = Math.max(0, Math.min(lens.positions() - 1, Integer.parseInt(cell.substring(cell.indexOf('.') + 1))));
            } catch (NumberFormatException e) {
                // a mangled link: the first cursor
            }
        }
        panel.listen(key -> {
            if (key.equals("repeat")) {
                setPrompt(LogitAttributionView.repeat(random, model));
            } else if (key.equals("sample")) {
                if (language == null) {
                    Dom.text(message, "this model's file does not name its language");
                    return false;
                }
                setPrompt(LogitLensView.sample(language, random, model.cfg().n_ctx()));
            } else if (key.equals("prompt") && !parsePrompt()) {
                return false;
            }
            moveTo(stage, Math.min(pos, lens.positions() - 1));
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
            new LogitLensMount(figure, model, TokenNames.of(file, model.cfg()));
        });
    }

    private void setPrompt(int[] prompt) {
        panel.controls.set("prompt", tokens.format(prompt));
        lens = LogitLensView.lens(model, prompt);
        Dom.text(message, "");
    }

    /** Reads the prompt field; on a problem says what is wrong and keeps the last good prompt. */
    private boolean parsePrompt() {
        int[] parsed = LogitAttributionMount.parsePrompt(panel.controls, message, model, tokens);
        if (parsed != null) {
            lens = LogitLensView.lens(model, parsed);
        }
        return parsed != null;
    }

    private void point(MouseEvent event) {
        double[] at = panel.painter.at(event); // in the arrangement shown
        int[] cell = LogitLensView.cellAt(lens, panel.painter.narrow(), at[0], at[1]);
        if (cell != null && (cell[0] != stage || cell[1] != pos)) {
            moveTo(cell[0], cell[1]);
        }
    }

    private void key(KeyboardEvent event) {
        int[] cell = LogitLensView.move(lens, panel.painter.narrow(), stage, pos, event.getKey());
        if (cell == null) {
            return;
        }
        event.preventDefault();
        moveTo(cell[0], cell[1]);
    }

    private void moveTo(int s, int p) {
        stage = s;
        pos = p;
        panel.controls.set("cell", s + "." + p);
        redraw();
        panel.controls.save();
    }

    private void redraw() {
        // the page's text first, where it changed: the canvas's text drawing waits for the page's layout
        Dom.attribute(panel.canvas, "aria-label", LogitLensView.describe(lens, names));
        Dom.text(readout, LogitLensView.readout(lens, names, stage, pos));
        LogitLensView.paint(panel.painter, lens, names, stage, pos);
    }
}
