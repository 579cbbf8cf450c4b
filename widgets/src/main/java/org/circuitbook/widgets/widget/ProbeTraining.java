package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;

/**
 * The probe widget's "Train a fresh probe", cut into small steps so that the page can spread them over frames and
 * stay responsive: the same least-squares probe as the build's and as {@link org.circuitbook.widgets.model.ProbeTrainer}
 * ({@link OthelloModel#fitProbe}: ridge {@link OthelloModel#RIDGE}, not on the bias, normal equations solved by
 * Gaussian elimination with partial pivoting, in doubles), on the same games, but with the normal equations summed
 * one game per step (in fitProbe's order, so the result is the same to the bit) instead of in one call over every
 * row, and the test games' residual streams taken first, one game per step, so that each fit along the way is read
 * on all of them at the cost of the read-out alone. After every {@link #every} training games (and the last) it fits
 * and records the test accuracy: the accuracy climbing with the games seen ({@link #curve}).
 *
 * <p>The games are the build's ({@link #games}: the spec's seeded random games, the test games' seed salted as the
 * othello trainer salts it; in the page drawn one per step, {@link #streams}), so once every training game is in, the fresh probe is the build's probe and its
 * accuracy the build's {@code probe_accuracy} (up to the browser's float arithmetic: {@link #MARGIN}).
 */
public final class ProbeTraining {
    /**
     * How far the fresh probe's final test accuracy may be from the build's: the same games and the same rule give
     * the same probe on the JVM (the generator's trainer test: within 0.005); in the page the model's forward pass
     * runs in JavaScript's arithmetic, which may move a read-out near a tie.
     */
    public static final double MARGIN = 0.01;
    /** The salt of the data seed for the othello test games: the one constant OthelloTrainer and the page both use. */
    public static final long TEST_SALT = 0x07e1_1011L;

    private final OthelloModel world;
    private final String labelling;
    private final int stage;
    private final Games train;
    private final Games test;
    private final int every;
    private final int squares;
    private final int d;
    private final double[][] a;
    private final double[][] rhs;
    private final double[] row;
    private final List<float[][]> testResid = new ArrayList<>();
    private final List<int[][]> testLabels = new ArrayList<>();
    private final List<double[]> curve = new ArrayList<>();
    private int nextTrain;
    private Tensor[] probe;
    /** The fit being read on the test games, {@link #READ_GAMES} per step (null between fits), and the count so far. */
    private Tensor[] reading;
    private int read;
    private double right;
    private double counted;

    /**
     * Test games read per step after a fit: reading all 500 of the book's in one step took 25 to 32 ms in Chromium,
     * more than a frame; 20 take about 1 ms. The counts are whole numbers, so the accuracy is the same however the
     * reading is cut.
     */
    public static final int READ_GAMES = 20;

    public ProbeTraining(OthelloModel world, String labelling, int stage, int[][] train, int[][] test, int every) {
        this(world, labelling, stage, new Games(train), new Games(test), every);
    }

    /** Training on games drawn one per step ({@link #streams}: no task draws them all at once). */
    public ProbeTraining(OthelloModel world, String labelling, int stage, Games train, Games test, int every) {
        this.world = world;
        this.labelling = labelling;
        this.stage = stage;
        this.train = train;
        this.test = test;
        this.every = Math.max(1, every);
        this.squares = world.game().squares();
        this.d = world.transformer().cfg().d_model();
        a = new double[d + 1][d + 1];
        rhs = new double[d + 1][squares * 3];
        row = new double[d + 1];
    }

    /** The build's training and test games for a published othello file: its spec's games and seeds. */
    public static int[][][] games(Map<String, String> metadata, Othello rules) {
        Games[] g = streams(metadata, rules);
        return new int[][][] {g[0].all(), g[1].all()};
    }

    /** {@link #games}, each list drawn a game at a time. */
    public static Games[] streams(Map<String, String> metadata, Othello rules) {
        Map<String, String> spec = specValues(metadata.get("spec"));
        long seed = Long.parseLong(spec.get("data_seed"));
        return new Games[] {new Games(rules, seed, Integer.parseInt(spec.get("train_games"))),
                new Games(rules, seed ^ TEST_SALT, Integer.parseInt(spec.get("test_games")))};
    }

    /**
     * A list of games given, or drawn one at a time as {@link Othello#randomGames} draws them (the same seeded
     * generator, the same draws: game k is that list's game k).
     */
    public static final class Games {
        private final int[][] given;
        private final Othello rules;
        private final Lcg rng;
        private final int count;
        private int drawn;

        Games(int[][] given) {
            this.given = given;
            this.rules = null;
            this.rng = null;
            this.count = given.length;
        }

        Games(Othello rules, long seed, int count) {
            this.given = null;
            this.rules = rules;
            this.rng = new Lcg(seed);
            this.count = count;
        }

        public int count() {
            return count;
        }

        public int drawn() {
            return drawn;
        }

        /** The next game. */
        public int[] next() {
            if (given != null) {
                return given[drawn++];
            }
            int squares = rules.squares();
            int[] buf = new int[squares];
            int[] moves = new int[squares];
            Othello.State s = rules.start();
            int len = 0;
            while (!rules.over(s)) {
                boolean[] legal = rules.legal(s);
                int k = 0;
                for (int sq = 0; sq < squares; sq++) {
                    if (legal[sq]) {
                        moves[k++] = sq;
                    }
                }
                int sq = moves[rng.nextInt(k)];
                buf[len++] = rules.tokenOf(sq);
                s = rules.play(s, sq);
            }
            drawn++;
            return java.util.Arrays.copyOf(buf, len);
        }

        /** The games not yet drawn, all at once. */
        int[][] all() {
            int[][] out = new int[count - drawn][];
            for (int i = 0; i < out.length; i++) {
                out[i] = next();
            }
            return out;
        }
    }

    /** A spec's canonical text (its kind, then one {@code key=value} line per value) as a map. */
    static Map<String, String> specValues(String canonical) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String line : Fmt.split(canonical == null ? "" : canonical, '\n')) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return out;
    }

    /** The build's probe accuracy (test games, every square) for {@code labelling} at {@code stage}; NaN if unrecorded. */
    public static double buildAccuracy(Map<String, String> metadata, String labelling, int stage) {
        try {
            Map<?, ?> metrics = (Map<?, ?>) Json.parse(metadata.get("metrics"));
            List<?> values = (List<?>) ((Map<?, ?>) metrics.get("probe_accuracy")).get(labelling);
            return ((Number) values.get(stage)).doubleValue();
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * One unit of work: a test game's stream, a training game taken in, a fit of the normal equations, or the last
     * fit read on {@link #READ_GAMES} more test games (its accuracy enters {@link #curve} with the last of them).
     */
    public void step() {
        if (testResid.size() < test.count()) {
            int[] game = test.next();
            testResid.add(world.resid(game, stage));
            Othello.State[] states = world.game().replay(game);
            int[][] labels = new int[game.length][];
            for (int p = 0; p < game.length; p++) {
                labels[p] = OthelloModel.labels(states[p], labelling);
            }
            testLabels.add(labels);
            return;
        }
        if (reading != null) {
            int end = Math.min(testResid.size(), read + READ_GAMES);
            for (; read < end; read++) {
                float[][] r = testResid.get(read);
                int[][] labels = testLabels.get(read);
                for (int p = 0; p < r.length; p++) {
                    int[] out = OthelloModel.readout(reading[0], reading[1], r[p], squares);
                    for (int sq = 0; sq < squares; sq++) {
                        right += out[sq] == labels[p][sq] ? 1 : 0;
                        counted++;
                    }
                }
            }
            if (read == testResid.size()) {
                curve.add(new double[] {nextTrain, right / counted});
                reading = null;
            }
            return;
        }
        if (nextTrain < train.count() && (nextTrain == 0 || nextTrain % every != 0 || fittedAt() == nextTrain)) {
            take(train.next());
            nextTrain++;
            return;
        }
        if (fittedAt() != nextTrain) {
            reading = fit();
            read = 0;
            right = 0;
            counted = 0;
            return;
        }
    }

    private int fittedAt() {
        return curve.isEmpty() ? -1 : (int) curve.get(curve.size() - 1)[0];
    }

    /** Whether every game is in and the last fit is read. */
    public boolean done() {
        return nextTrain >= train.count() && fittedAt() == train.count();
    }

    /** The training games taken in so far. */
    public int gamesSeen() {
        return nextTrain;
    }

    public int trainGames() {
        return train.count();
    }

    /** (games seen, test accuracy) after each fit so far. */
    public List<double[]> curve() {
        return curve;
    }

    /** The last fit's test accuracy, or NaN before the first. */
    public double accuracy() {
        return curve.isEmpty() ? Double.NaN : curve.get(curve.size() - 1)[1];
    }

    /** The last fit ({W [d, squares*3], b [squares*3]}), or null before the first. */
    public Tensor[] probe() {
        return probe;
    }

    /** Adds one game's rows to the normal equations, as fitProbe sums them. */
    private void take(int[] game) {
        float[][] r = world.resid(game, stage);
        Othello.State[] states = world.game().replay(game);
        for (int p = 0; p < game.length; p++) {
            OthelloModel.accumulate(a, rhs, row, r[p], OthelloModel.labels(states[p], labelling));
        }
    }

    /** Solves the normal equations summed so far (fitProbe's ridge and elimination); returns {W, b}. */
    private Tensor[] fit() {
        int k = d + 1;
        int cols = squares * 3;
        double[][] m = new double[k][];
        double[][] y = new double[k][];
        for (int i = 0; i < k; i++) {
            m[i] = a[i].clone();
            y[i] = rhs[i].clone();
        }
        for (int i = 0; i < d; i++) {
            m[i][i] += OthelloModel.RIDGE;
        }
        double[][] sol = OthelloModel.solve(m, y);
        float[] w = new float[d * cols];
        float[] b = new float[cols];
        for (int c = 0; c < cols; c++) {
            for (int j = 0; j < d; j++) {
                w[j * cols + c] = (float) sol[j][c];
            }
            b[c] = (float) sol[d][c];
        }
        probe = new Tensor[] {Tensor.of(w, d, cols), Tensor.of(b, cols)};
        return probe;
    }
}
