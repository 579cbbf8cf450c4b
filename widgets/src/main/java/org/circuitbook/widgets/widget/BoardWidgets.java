package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.data.Othello;

/**
 * What the {@code probe} and {@code steering} widgets compute from a {@link BoardModel} and the rules, shared by
 * the static drawing (at build time) and the live figure (in the browser), so the two show the same thing.
 */
public final class BoardWidgets {
    /** The steering directions offered. An SAE direction is not offered: no SAE is trained on this model. */
    public static final List<String> DIRECTIONS = List.of("probe", "mine_minus_theirs");
    /** The strength slider's stops (alpha): 0 (no steering) in the middle, symmetric, up to 8. */
    public static final double[] ALPHAS = {-8, -4, -2, -1, 0, 1, 2, 4, 8};

    private BoardWidgets() {
    }

    /** The probe's board: the position after {@code squares}, the read-out at {@code stage}, the predictions. */
    public static BoardView.Board probeBoard(Othello rules, BoardModel model, int[] squares, String labelling, int stage,
                                             int selected) {
        int[] tokens = BoardOptions.tokens(rules, squares);
        int[] readout = tokens.length == 0 ? null : model.readout(tokens, labelling, stage);
        double[] predicted = tokens.length == 0 ? null : model.moves(tokens);
        return BoardOptions.board(rules, squares, labelling, readout, predicted, selected);
    }

    /** The stage shown first: the chapter's :layer:, else 1 (or the last when the model has none). */
    public static int initialStage(String option, BoardModel model) {
        if (option != null) {
            try {
                int v = Integer.parseInt(option.trim());
                if (v >= 0 && v <= model.layers()) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // the build's check reports it
            }
        }
        return Math.min(1, model.layers());
    }

    /** Before and after: the model's next-move probabilities, and with alpha times the direction added. */
    public record Steered(double[] before, double[] after) {
    }

    /** Steers {@code model} after {@code squares} along direction {@code name} for {@code square} at {@code stage}. */
    public static Steered steer(Othello rules, BoardModel model, int[] squares, String name, int square, int stage,
                                double alpha) {
        int[] tokens = BoardOptions.tokens(rules, squares);
        double[] before = model.moves(tokens);
        double[] after = alpha == 0 ? before : model.steer(tokens, stage, model.direction(name, stage, square), (float) alpha);
        return new Steered(before, after);
    }

    /**
     * The intervention on {@code square} after {@code squares}: its relative read-out at {@code stage} flipped (mine
     * and theirs swapped) along the probe; the model's move probabilities before and after. Null when the probe reads
     * the square as empty (nothing to flip) or before the first move.
     */
    public static Steered intervene(Othello rules, BoardModel model, int[] squares, int square, int stage) {
        int[] tokens = BoardOptions.tokens(rules, squares);
        if (tokens.length == 0) {
            return null;
        }
        int to = flipped(model.readout(tokens, "relative", stage)[square]);
        return to < 0 ? null : new Steered(model.moves(tokens), model.edit(tokens, stage, square, to));
    }

    /**
     * The probe widget while intervening: the board (the edited predictions as rings, the square selected) over the
     * before/after bars and the side effect on the other squares.
     */
    public static Drawing interventionDrawing(Othello rules, BoardModel model, int[] squares, String labelling,
                                              int square, int stage) {
        Steered s = intervene(rules, model, squares, square, stage);
        BoardView.Board plain = BoardWidgets.probeBoard(rules, model, squares, labelling, stage, square);
        if (s == null) {
            return BoardView.drawing(plain);
        }
        BoardView.Board board = new BoardView.Board(plain.n(), plain.cells(), plain.toMove(), labelling, plain.readout(),
                plain.legal(), s.after(), square);
        int n = rules.size();
        return new Drawing(BoardView.WIDTH, BoardView.HEIGHT + SteeringView.HEIGHT, p -> {
            Arrangement.begin(p, BoardView.WIDTH, BoardView.HEIGHT + SteeringView.HEIGHT);
            BoardView.draw(new OffsetPainter(p, 0), board);
            SteeringView.draw(new OffsetPainter(p, BoardView.HEIGHT), s.before(), s.after(), square, n);
        }, BoardView.describe(board) + " Flipping " + BoardView.name(square, n) + " along the probe: "
                + SteeringView.describe(s.before(), s.after(), square, n, 0).replace("Steering with alpha 0.00 on ", "on "));
    }

    /** The steering drawing: the board (the model's steered predictions as rings, the target selected), the bars below. */
    public static Drawing steeringDrawing(Othello rules, BoardModel model, int[] squares, String name, int square,
                                          int stage, double alpha) {
        Steered s = steer(rules, model, squares, name, square, stage, alpha);
        BoardView.Board board = BoardOptions.board(rules, squares, "relative", null, s.after(), square);
        int n = rules.size();
        return new Drawing(BoardView.WIDTH, BoardView.HEIGHT + SteeringView.HEIGHT, p -> {
            Arrangement.begin(p, BoardView.WIDTH, BoardView.HEIGHT + SteeringView.HEIGHT);
            BoardView.draw(new OffsetPainter(p, 0), board);
            SteeringView.draw(new OffsetPainter(p, BoardView.HEIGHT), s.before(), s.after(), square, n);
        }, BoardView.describe(board) + " " + SteeringView.describe(s.before(), s.after(), square, n, alpha));
    }

    /** The stage choices for a select: 0 "embeddings", then "after block L". */
    public static List<Control.Choice> stages(int layers) {
        List<Control.Choice> out = new ArrayList<>();
        for (int s = 0; s <= layers; s++) {
            out.add(new Control.Choice(Integer.toString(s), s == 0 ? "0: embeddings" : s + ": after block " + (s - 1)));
        }
        return out;
    }

    /** The alpha slider's stops. */
    public static List<Control.Choice> alphaStops() {
        List<Control.Choice> out = new ArrayList<>();
        for (double a : ALPHAS) {
            String v = ModelInfo.label(a);
            out.add(new Control.Choice(v, a == 0 ? "0 (off)" : v));
        }
        return out;
    }

    /**
     * The intervention's class for a square: mine and theirs swap (relative labelling: 1 and 2), black and white swap
     * (colour); an empty square is left empty (-1: nothing to flip).
     */
    public static int flipped(int cls) {
        return cls == 1 ? 2 : cls == 2 ? 1 : -1;
    }

    /**
     * The probe widget's controls: the moves so far (a words field, in the URL, the chapter's :moves: first) with undo
     * and reset; the stage and the labelling; "Train a fresh probe"; the square picked for an intervention (URL state)
     * and the intervene toggle.
     */
    public static Controls probeControls(LiveFigure figure, int layers) {
        BoardModelStages stages = new BoardModelStages(layers);
        String moves = figure.option("moves") == null ? "" : figure.option("moves");
        return Controls.of(
                Controls.row(Control.words("moves", "Moves", moves), Control.action("undo", "Undo"),
                        Control.action("reset", "Reset")),
                Controls.row(Control.select("layer", "Stage", stages(layers), Integer.toString(stages.initial(figure))),
                        Control.select("labelling", "Labelling", Control.choices(BoardOptions.LABELLINGS),
                                figure.option("labelling") == null ? "relative" : figure.option("labelling"))),
                Controls.row(Control.action("train", "Train a fresh probe"), Control.toggle("intervene", "Intervene",
                        "Intervening"), Control.state("square")));
    }

    /**
     * The steering widget's controls: the moves so far, the direction (probe or mean difference), the targeted square
     * (URL state, picked on the board), the strength alpha (a slider over {@link #ALPHAS}, at 0) and the stage.
     */
    public static Controls steeringControls(LiveFigure figure, int layers) {
        BoardModelStages stages = new BoardModelStages(layers);
        String moves = figure.option("moves") == null ? "" : figure.option("moves");
        int zero = 0;
        while (ALPHAS[zero] != 0) {
            zero++;
        }
        return Controls.of(
                Controls.row(Control.words("moves", "Moves", moves), Control.state("square")),
                Controls.row(Control.select("direction", "Direction", List.of(
                                new Control.Choice("probe", "probe direction"),
                                new Control.Choice("mine_minus_theirs", "mean difference (mine \u2212 theirs)")), "probe"),
                        Control.stops("alpha", "Strength \u03b1", alphaStops(), zero),
                        Control.select("layer", "Stage", stages(layers), Integer.toString(stages.initial(figure)))));
    }

    /** The stage a figure starts at: its :layer: when it is a stage of the model, else 1 (or 0 for no blocks). */
    record BoardModelStages(int layers) {
        int initial(LiveFigure figure) {
            String option = figure.option("layer");
            if (option != null) {
                try {
                    int v = Integer.parseInt(option.trim());
                    if (v >= 0 && v <= layers) {
                        return v;
                    }
                } catch (NumberFormatException e) {
                    // the build's check reports it
                }
            }
            return Math.min(1, layers);
        }
    }
}
