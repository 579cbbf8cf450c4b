package org.circuitbook.widgets.widget;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;

/**
 * The trained othello model ({@link OthelloModel}) as the board widgets see it ({@link BoardModel}): at the last
 * position, the softmax of its logits over the playable squares' tokens, placed on the board's squares (the four
 * centre squares, never played, get 0). The "probe" steering direction of a square is the relative probe's "mine"
 * column minus its "theirs" column (the direction along which the probe's mine-vs-theirs score rises fastest);
 * "mine_minus_theirs" is the build's mean-difference direction, "sae" its SAE latent's decoder direction (see the
 * othello trainer). Interventions use the relative probe.
 *
 * <p>A widget redraw asks for the same position's predictions, read-outs and edits several times, and the reader
 * switches stage, labelling, direction or strength on one position: what was computed for the last game prefix
 * asked about is kept (one forward pass gives the predictions and every stage's read-out) until another is asked
 * about. The arrays returned are copies.
 */
public final class OthelloBoardModel implements BoardModel {
    private final OthelloModel model;
    private int[] memoTokens;
    private final Map<String, Object> memo = new HashMap<>();

    public OthelloBoardModel(OthelloModel model) {
        this.model = model;
    }

    public OthelloModel model() {
        return model;
    }

    @Override
    public int layers() {
        return model.stages() - 1;
    }

    /** Softmax over the tokens of {@code logits}, on the board's squares. */
    public double[] onSquares(float[] logits) {
        Othello rules = model.game();
        double[] p = SteeringView.softmax(logits);
        double[] out = new double[rules.squares()];
        for (int t = 0; t < p.length && t < rules.vocab(); t++) {
            out[rules.squareOf(t)] = p[t];
        }
        return out;
    }

    /** What {@code compute} gives for {@code tokens} under {@code key}, computed once per game prefix. */
    private Object memo(int[] tokens, String key, Supplier<Object> compute) {
        if (!Arrays.equals(memoTokens, tokens)) {
            memoTokens = tokens.clone();
            memo.clear();
        }
        Object value = memo.get(key);
        if (value == null) {
            value = compute.get();
            memo.put(key, value);
        }
        return value;
    }

    private OthelloModel.LastPosition last(int[] tokens) {
        return (OthelloModel.LastPosition) memo(tokens, "run", () -> model.lastPosition(tokens));
    }

    @Override
    public double[] moves(int[] tokens) {
        return ((double[]) memo(tokens, "moves", () -> onSquares(last(tokens).logits()))).clone();
    }

    @Override
    public int[] readout(int[] tokens, String labelling, int stage) {
        return ((int[]) memo(tokens, "readout " + labelling + " " + stage,
                () -> model.readout(last(tokens).resid()[stage], labelling, stage))).clone();
    }

    @Override
    public double[] edit(int[] tokens, int stage, int square, int newClass) {
        return ((double[]) memo(tokens, "edit " + stage + " " + square + " " + newClass,
                () -> onSquares(model.edit(tokens, stage, square, newClass)))).clone();
    }

    @Override
    public double[] steer(int[] tokens, int stage, float[] direction, float alpha) {
        return ((double[]) memo(tokens, "steer " + stage + " " + alpha + " " + Arrays.toString(direction),
                () -> onSquares(model.steer(tokens, stage, direction, alpha)))).clone();
    }

    @Override
    public float[] direction(String name, int stage, int square) {
        if (name.equals("mine_minus_theirs") || name.equals("sae")) {
            return model.direction(name, stage, square);
        }
        float[] mine = model.direction("relative.mine", stage, square);
        float[] theirs = model.direction("relative.theirs", stage, square);
        float[] out = new float[mine.length];
        for (int m = 0; m < out.length; m++) {
            out[m] = mine[m] - theirs[m];
        }
        return out;
    }
}
