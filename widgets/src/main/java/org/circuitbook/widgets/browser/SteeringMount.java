package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;
import org.circuitbook.widgets.widget.BoardOptions;
import org.circuitbook.widgets.widget.BoardView;
import org.circuitbook.widgets.widget.BoardWidgets;
import org.circuitbook.widgets.widget.Drawing;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.OthelloBoardModel;
import org.circuitbook.widgets.widget.SteeringView;
import org.teavm.jso.dom.events.KeyboardEvent;
import org.teavm.jso.dom.events.MouseEvent;
import org.teavm.jso.dom.html.HTMLElement;

/**
 * The steering widget: the othello model's board after the moves so far, with alpha times a direction for the
 * targeted square (the probe's mine-minus-theirs direction, the build's mean difference, or its SAE latent's decoder
 * direction) added to the residual
 * stream at the chosen stage; the board's rings show the steered predictions, the bars below every square's
 * probability before and after, and the side effect (the off-target change and KL) as numbers and a bar
 * ({@link BoardWidgets#steeringDrawing}: the build's static drawing at alpha 0). A click on a square, or the arrow keys
 * on the focused board, targets it; the strength slider (keyboard: arrows) steps through {@link BoardWidgets#ALPHAS}.
 * URL state: {@code #ID:moves=B1.A2&square=5&direction=probe&alpha=2&layer=1}.
 */
final class SteeringMount {
    private final HTMLElement figure;
    private final LivePanel panel;
    private final OthelloBoardModel model;
    private final Othello rules;
    private HTMLElement readout;
    private int[] squares;

    private SteeringMount(HTMLElement figure, org.circuitbook.widgets.weights.SafeTensors file) {
        this.figure = figure;
        OthelloModel world = OthelloModel.load(file);
        model = new OthelloBoardModel(world);
        rules = world.game();
        panel = new LivePanel(figure, BoardWidgets.steeringControls(new BrowserFigure(figure), model.layers()),
                BoardWidgets.WIDE_WIDTH, BoardWidgets.WIDE_HEIGHT);
        panel.focusable();
        readout = panel.readout(panel.controls.id("alpha"));
        squares = BoardOptions.playable(rules, panel.controls.value("moves"));
        panel.listen(this::changed);
        panel.canvas.addEventListener("pointerdown", e -> point((MouseEvent) e));
        panel.canvas.addEventListener("keydown", e -> key((KeyboardEvent) e));
        panel.show(this::redraw);
    }

    static void mount(HTMLElement figure) {
        LivePanel.loadFinal(figure, (files, file) -> new SteeringMount(figure, file));
    }

    private static String words(String value) {
        return value == null ? "" : value.replace('.', ' ');
    }


    private boolean changed(String key) {
        if (key.equals("moves")) {
            String text = words(panel.controls.value("moves"));
            String problem = BoardOptions.checkMoves(text, rules.size());
            if (problem != null) {
                Dom.text(readout, "Moves not taken: " + problem + ".");
                return false;
            }
            squares = BoardOptions.playable(rules, text);
        }
        redraw();
        return true;
    }

    /** The targeted square: the URL's, else the first true legal move (as the static drawing), else A1. */
    private int target() {
        String v = panel.controls.value("square");
        try {
            int sq = v == null ? -1 : Integer.parseInt(v);
            if (sq >= 0 && sq < rules.squares()) {
                return sq;
            }
        } catch (NumberFormatException e) {
            // a mangled link: the default
        }
        boolean[] legal = BoardOptions.board(rules, squares, "relative", null, null, -1).legal();
        int t = 0;
        while (t < legal.length - 1 && !legal[t]) {
            t++;
        }
        return t;
    }

    private double alpha() {
        return BoardWidgets.ALPHAS[panel.controls.index("alpha")];
    }

    private void point(MouseEvent event) {
        if (event.getButton() != 0) {
            return;
        }
        double[] at = panel.painter.at(event);
        int sq = BoardView.hit(at[0], at[1], rules.size());
        if (sq >= 0) {
            target(sq);
        }
    }

    private void key(KeyboardEvent event) {
        int n = rules.size();
        int c = target();
        switch (event.getKey()) {
            case "ArrowUp" -> c = c >= n ? c - n : c;
            case "ArrowDown" -> c = c + n < n * n ? c + n : c;
            case "ArrowLeft" -> c = c % n > 0 ? c - 1 : c;
            case "ArrowRight" -> c = c % n < n - 1 ? c + 1 : c;
            default -> {
                return;
            }
        }
        event.preventDefault();
        target(c);
    }

    private void target(int sq) {
        panel.controls.set("square", Integer.toString(sq));
        redraw();
        panel.controls.save();
    }

    private void redraw() {
        int sq = target();
        int stage = Integer.parseInt(panel.controls.value("layer"));
        String direction = panel.controls.value("direction");
        double alpha = alpha();
        BoardWidgets.Steered s = BoardWidgets.steer(rules, model, squares, direction, sq, stage, alpha);
        double off = SteeringView.offTarget(s.before(), s.after(), sq);
        double kl = SteeringView.kl(s.before(), s.after());
        Dom.text(readout, squares.length == 0 ? "Play a move first: the model predicts the next move after one."
                : "Steering " + BoardView.name(sq, rules.size()) + " along the " + (direction.equals("probe")
                ? "probe direction" : direction.equals("sae") ? "SAE latent's decoder direction" : "mean difference") + " at stage " + stage + ", \u03b1 = " + Fmt.fixed(alpha, 0)
                + ": its probability " + Fmt.fixed(s.before()[sq], 3) + " \u2192 " + Fmt.fixed(s.after()[sq], 3)
                + "; side effect: off-target change " + Fmt.fixed(off, 3) + ", KL " + Fmt.fixed(kl, 3) + " nats.");
        Dom.attribute(readout, "data-off-target", Double.toString(off));
        Dom.attribute(readout, "data-kl", Double.toString(kl));
        Dom.attribute(readout, "data-target", Double.toString(s.after()[sq]));
        Drawing d = BoardWidgets.steeringDrawing(rules, squares, s, sq, alpha);
        Dom.attribute(panel.canvas, "aria-label", d.description());
        d.paint().accept(panel.painter);
        Dom.attribute(figure, "data-moves", panel.controls.value("moves") == null ? "" : panel.controls.value("moves"));
    }
}
