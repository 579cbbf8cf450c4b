package org.circuitbook.widgets.widget;

import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;

/**
 * The trained othello model ({@link OthelloModel}) as the board widgets see it ({@link BoardModel}): at the last
 * position, the softmax of its logits over the playable squares' tokens, placed on the board's squares (the four
 * centre squares, never played, get 0). The "probe" steering direction of a square is the relative probe's "mine"
 * column minus its "theirs" column (the direction along which the probe's mine-vs-theirs score rises fastest);
 * "mine_minus_theirs" is the build's mean-difference direction. Interventions use the relative probe.
 */
public final class OthelloBoardModel implements BoardModel {
    private final OthelloModel model;

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

    @Override
    public double[] moves(int[] tokens) {
        float[][] logits = model.legalLogits(tokens);
        return onSquares(logits[logits.length - 1]);
    }

    @Override
    public int[] readout(int[] tokens, String labelling, int stage) {
        int[][] r = model.probeReadout(tokens, labelling, stage);
        return r[r.length - 1];
    }

    @Override
    public double[] edit(int[] tokens, int stage, int square, int newClass) {
        return onSquares(model.edit(tokens, stage, square, newClass));
    }

    @Override
    public double[] steer(int[] tokens, int stage, float[] direction, float alpha) {
        return onSquares(model.steer(tokens, stage, direction, alpha));
    }

    @Override
    public float[] direction(String name, int stage, int square) {
        if (name.equals("mine_minus_theirs")) {
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
