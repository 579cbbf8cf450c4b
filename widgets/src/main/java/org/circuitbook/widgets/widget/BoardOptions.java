package org.circuitbook.widgets.widget;

import java.util.List;
import org.circuitbook.widgets.data.Othello;

/**
 * The options the othello widgets ({@code probe}, {@code steering}) share, checked at {@code check} time against
 * the model: {@code :layer:} (a stage of the residual stream, 0 = embeddings to n_layers = after the last block),
 * {@code :labelling:} (relative or colour) and {@code :moves:} (an opening, square names separated by spaces, each
 * legal in turn under the rules of {@link Othello} on the spec's board).
 */
public final class BoardOptions {
    public static final List<String> LABELLINGS = List.of("relative", "colour");

    private BoardOptions() {
    }

    /** The board's side in the spec ({@code board}, 4 when absent or when there is no model). */
    public static int boardSize(ModelInfo model) {
        return model == null ? 4 : model.integer("board", model.integer("board_size", 4));
    }

    /** {@code :layer:}: a whole number from 0 to the model's n_layers. */
    public static WidgetOption layer(String widget) {
        return new WidgetOption("layer", WidgetOption.Type.INTEGER, "1",
                "the stage of the residual stream read (0 = embeddings, L = after block L)", (value, model) -> {
            int layers = model.integer("n_layers", 1);
            String hint = "stages: 0 to " + layers;
            int v;
            try {
                v = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                return new WidgetOption.Problem("layer must be a whole number, got \"" + value + "\"", hint);
            }
            return v >= 0 && v <= layers ? null
                    : new WidgetOption.Problem("model " + model.name() + " has no stage " + value + " for widget " + widget,
                    hint);
        });
    }

    /** {@code :labelling:}: relative (default) or colour. */
    public static WidgetOption labelling(String widget) {
        return WidgetOption.choice("labelling", LABELLINGS, "how the probe labels a square: mine/theirs or black/white",
                widget);
    }

    /** {@code :moves:}: an opening, checked square by square against the rules. */
    public static WidgetOption moves(String widget) {
        return new WidgetOption("moves", WidgetOption.Type.WORDS, "the start position",
                "an opening, e.g. B1 A2: the position shown first", (value, model) -> {
            String problem = checkMoves(value, boardSize(model));
            return problem == null ? null : new WidgetOption.Problem(problem, "square names A1 to "
                    + (char) ('A' + boardSize(model) - 1) + boardSize(model) + ", each a legal move in turn");
        });
    }

    /** The problem with {@code text} as an opening on an n x n board, or null when every move is legal in turn. */
    public static String checkMoves(String text, int n) {
        BoardView.Moves moves = BoardView.moves(text, n);
        if (moves.error() != null) {
            return moves.error();
        }
        Othello rules = new Othello(n);
        Othello.State state = rules.start();
        for (int i = 0; i < moves.squares().length; i++) {
            int sq = moves.squares()[i];
            if (rules.over(state)) {
                return "move " + (i + 1) + " " + BoardView.name(sq, n) + " comes after the game is over";
            }
            if (!rules.legal(state)[sq]) {
                return "move " + (i + 1) + " " + BoardView.name(sq, n) + " is not legal for "
                        + (state.toMove == Othello.BLACK ? "black" : "white");
            }
            state = rules.play(state, sq);
        }
        return null;
    }

    /** The opening's squares (none when {@code text} is null or not a legal opening). */
    public static int[] opening(String text, int n) {
        if (text == null || checkMoves(text, n) != null) {
            return new int[0];
        }
        return BoardView.moves(text, n).squares();
    }

    /**
     * The longest legal prefix of the moves a live figure's moves field holds ({@code value}: its URL form, moves
     * joined by dots, or words; null for none): a link may hold a mangled list.
     */
    public static int[] playable(Othello rules, String value) {
        BoardView.Moves moves = BoardView.moves(value == null ? "" : value.replace('.', ' '), rules.size());
        int[] all = moves.squares() == null ? new int[0] : moves.squares();
        Othello.State state = rules.start();
        int k = 0;
        while (k < all.length && !rules.over(state) && rules.legal(state)[all[k]]) {
            state = rules.play(state, all[k]);
            k++;
        }
        return java.util.Arrays.copyOf(all, k);
    }

    /** The tokens of {@code squares} (the model's input). */
    public static int[] tokens(Othello rules, int[] squares) {
        int[] tokens = new int[squares.length];
        for (int i = 0; i < squares.length; i++) {
            tokens[i] = rules.tokenOf(squares[i]);
        }
        return tokens;
    }

    /**
     * The board after {@code squares} ({@code readout}, {@code predicted} as given; may be null), the true legal
     * moves of the player to move.
     */
    public static BoardView.Board board(Othello rules, int[] squares, String labelling, int[] readout,
                                        double[] predicted, int selected) {
        Othello.State state = rules.start();
        for (int sq : squares) {
            state = rules.play(state, sq);
        }
        return new BoardView.Board(rules.size(), state.cells.clone(), state.toMove, labelling, readout,
                rules.legal(state), predicted, selected);
    }
}
