package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.data.Othello;

/**
 * What the {@code probe} and {@code steering} widgets compute from a {@link BoardModel} and the rules, shared by
 * the static drawing (at build time) and the live figure (in the browser), so the two show the same thing.
 */
public final class BoardWidgets {
    /** The steering directions offered: the probe's, the mean difference, an SAE latent's decoder direction. */
    public static final List<String> DIRECTIONS = List.of("probe", "mine_minus_theirs", "sae");
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
        if (tokens.length == 0) { // before the first move the model predicts nothing: no bars
            double[] none = new double[rules.squares()];
            return new Steered(none, none);
        }
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

    /** The board widgets' wide drawing: the board, and the bars beside it. */
    public static final int WIDE_WIDTH = BoardView.WIDTH + SteeringView.WIDTH;
    public static final int WIDE_HEIGHT = Math.max(BoardView.HEIGHT, SteeringView.HEIGHT);
    /** The narrow one: the bars under the board. */
    public static final int NARROW_HEIGHT = BoardView.HEIGHT + SteeringView.HEIGHT;

    /**
     * The board and the bars of the move probabilities before and after (and the side effect): side by side wide
     * ({@link #WIDE_WIDTH} x {@link #WIDE_HEIGHT}), stacked narrow (board over bars).
     */
    public static Drawing paired(BoardView.Board board, double[] before, double[] after, int target, String title,
                                 String description) {
        return new Drawing(WIDE_WIDTH, WIDE_HEIGHT, p -> {
            boolean narrow = p.narrow();
            Arrangement.begin(p, narrow ? BoardView.WIDTH : WIDE_WIDTH, narrow ? NARROW_HEIGHT : WIDE_HEIGHT);
            BoardView.draw(new OffsetPainter(p, 0, 0), board);
            SteeringView.draw(narrow ? new OffsetPainter(p, 0, BoardView.HEIGHT) : new OffsetPainter(p, BoardView.WIDTH, 0),
                    before, after, target, board.n(), title);
        }, description);
    }

    /**
     * The probe widget's drawing: the board read out at {@code stage} ({@code cursor} selected), beside the model's
     * move probabilities; with {@code flip} a square (not -1) whose read-out can be flipped, the intervention on it
     * ({@link #intervene}): the rings and the "after" bars the edited predictions, the square selected.
     */
    public static Drawing probeDrawing(Othello rules, BoardModel model, int[] squares, String labelling, int stage,
                                       int cursor, int flip) {
        return probeDrawing(rules, labelling, probeBoard(rules, model, squares, labelling, stage, cursor),
                flip < 0 ? null : intervene(rules, model, squares, flip, stage), cursor, flip);
    }

    /**
     * {@link #probeDrawing} from the read-out board ({@link #probeBoard}, {@code cursor} selected) and the
     * intervention on {@code flip} ({@link #intervene}; null, with flip -1, for none) already computed.
     */
    public static Drawing probeDrawing(Othello rules, String labelling, BoardView.Board plain, Steered s, int cursor,
                                       int flip) {
        double[] p = plain.predicted() == null ? new double[rules.squares()] : plain.predicted();
        if (s == null) {
            return paired(plain, p, p, cursor, "next-move probability (no flip)", BoardView.describe(plain));
        }
        int n = rules.size();
        BoardView.Board board = new BoardView.Board(plain.n(), plain.cells(), plain.toMove(), labelling, plain.readout(),
                plain.legal(), s.after(), flip);
        return paired(board, s.before(), s.after(), flip, "next-move probability: before vs after the flip",
                BoardView.describe(board) + " Flipping " + BoardView.name(flip, n) + " along the probe: "
                        + SteeringView.describe(s.before(), s.after(), flip, n, 0).replace("Steering with alpha 0.00 on ", "on "));
    }

    /**
     * The probe widget while intervening on {@code square}: {@link #probeDrawing} with it selected and flipped.
     */
    public static Drawing interventionDrawing(Othello rules, BoardModel model, int[] squares, String labelling,
                                              int square, int stage) {
        return probeDrawing(rules, model, squares, labelling, stage, square, square);
    }

    /** The steering drawing: the board (the model's steered predictions as rings, the target selected), the bars. */
    public static Drawing steeringDrawing(Othello rules, BoardModel model, int[] squares, String name, int square,
                                          int stage, double alpha) {
        return steeringDrawing(rules, squares, steer(rules, model, squares, name, square, stage, alpha), square, alpha);
    }

    /** {@link #steeringDrawing} from the steered predictions already computed ({@link #steer}): no forward pass. */
    public static Drawing steeringDrawing(Othello rules, int[] squares, Steered s, int square, double alpha) {
        BoardView.Board board = BoardOptions.board(rules, squares, "relative", null, squares.length == 0 ? null : s.after(),
                square);
        int n = rules.size();
        return paired(board, s.before(), s.after(), square, "next-move probability: before vs after steering",
                BoardView.describe(board) + " " + SteeringView.describe(s.before(), s.after(), square, n, alpha));
    }

    /**
     * The model's predicted legal moves: the {@code k} squares it gives the most probability (ties to the lower
     * square), in square order; as the build's intervention metric reads a prediction, with k the true number of
     * legal moves.
     */
    public static int[] topMoves(double[] p, int k) {
        boolean[] taken = new boolean[p.length];
        int count = Math.max(0, Math.min(k, p.length));
        for (int i = 0; i < count; i++) {
            int best = -1;
            for (int s = 0; s < p.length; s++) {
                if (!taken[s] && (best < 0 || p[s] > p[best])) {
                    best = s;
                }
            }
            taken[best] = true;
        }
        int[] out = new int[count];
        int j = 0;
        for (int s = 0; s < p.length; s++) {
            if (taken[s]) {
                out[j++] = s;
            }
        }
        return out;
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
     * The steering widget's controls: the moves so far, the direction (probe, mean difference or SAE latent), the
     * targeted square
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
                                new Control.Choice("mine_minus_theirs", "mean difference (mine \u2212 theirs)"),
                                new Control.Choice("sae", "SAE latent (decoder direction)")), "probe"),
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
