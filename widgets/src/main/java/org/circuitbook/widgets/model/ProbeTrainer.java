package org.circuitbook.widgets.model;

import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * A fresh least-squares probe trained in the page, in steps the browser spreads over frames: {@link #step} runs the
 * model on the next training games and collects their residual stream at one stage and their labels; once every game
 * is in (or whenever asked), {@link #probe} fits by {@link OthelloModel#fitProbe} (the build's rule, so with the same
 * games it gives the build's probe) and {@link #accuracy} reads the test games.
 */
public final class ProbeTrainer {
    private final OthelloModel world;
    private final String labelling;
    private final int stage;
    private final int[][] train;
    private final int[][] test;
    private final java.util.ArrayList<float[]> rows = new java.util.ArrayList<>();
    private final java.util.ArrayList<int[]> labels = new java.util.ArrayList<>();
    private int next;
    private Tensor[] probe;

    public ProbeTrainer(OthelloModel world, String labelling, int stage, int[][] train, int[][] test) {
        this.world = world;
        this.labelling = labelling;
        this.stage = stage;
        this.train = train;
        this.test = test;
    }

    /** Takes in up to {@code n} more training games; returns whether every game is in. */
    public boolean step(int n) {
        Othello o = world.game();
        for (int i = 0; i < n && next < train.length; i++, next++) {
            int[] game = train[next];
            float[][] r = world.resid(game, stage);
            Othello.State[] states = o.replay(game);
            for (int p = 0; p < game.length; p++) {
                rows.add(r[p]);
                labels.add(OthelloModel.labels(states[p], labelling));
            }
        }
        probe = null;
        return done();
    }

    public boolean done() {
        return next >= train.length;
    }

    /** The games taken in so far. */
    public int gamesSeen() {
        return next;
    }

    /** {W, b} fitted on the games so far. */
    public Tensor[] probe() {
        if (probe == null) {
            probe = OthelloModel.fitProbe(rows.toArray(new float[0][]), labels.toArray(new int[0][]), world.game().squares());
        }
        return probe;
    }

    /** The share of squares of every test position the probe reads right. */
    public double accuracy() {
        Tensor[] wb = probe();
        Othello o = world.game();
        double right = 0;
        double n = 0;
        for (int[] game : test) {
            float[][] r = world.resid(game, stage);
            Othello.State[] states = o.replay(game);
            for (int p = 0; p < game.length; p++) {
                int[] read = OthelloModel.readout(wb[0], wb[1], r[p], o.squares());
                int[] truth = OthelloModel.labels(states[p], labelling);
                for (int sq = 0; sq < truth.length; sq++) {
                    right += read[sq] == truth[sq] ? 1 : 0;
                    n++;
                }
            }
        }
        return right / n;
    }
}
