package org.circuitbook.widgets.model;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * Trains a {@link ToyModel} from scratch, step by step, with hand-written gradients and Adam: what the
 * superposition widget runs in the reader's browser while they move the sparsity slider. The setup is the
 * build's (Elhage et al. 2022, "Toy Models of Superposition", section 2): each feature is 0 with probability
 * S (the sparsity) and otherwise uniform in [0, 1]; the loss is the importance-weighted squared error
 * {@code mean over batch and features of I_i (x_i - x'_i)^2} with {@code I_i = decay^i}; W starts Xavier
 * normal and b at 0.
 *
 * <p>Gradients, per sample, with {@code h = W x}, {@code z = W^T h + b}, {@code x' = ReLU(z)} and
 * {@code g = dL/dz = -2 I (x - x') [z > 0] / (batch n)}:
 * <pre>
 *   dL/db = g            dL/dW = h g^T + (W g) x^T     (z depends on W twice: through W^T and through h)
 * </pre>
 * The sparsity and the importance decay may change between steps; training continues from the current
 * weights on the new data, as TensorFlow Playground does. Arithmetic is in double.
 */
public final class ToyTraining {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private final int n;
    private final int d;
    private final boolean relu;
    private final int batch;
    private final double learningRate;
    private final Lcg random;
    private final double[] w;        // [d, n], row-major, as ToyModel's W
    private final double[] b;        // [n]
    private final double[] mW;
    private final double[] vW;
    private final double[] mB;
    private final double[] vB;
    private final double[] gW;
    private final double[] gB;
    private final double[] importance;
    private double sparsity;
    private int steps;
    private double loss = Double.NaN;

    /**
     * A fresh model of {@code n} features in {@code d} dimensions, initialised from {@code seed}, trained on
     * batches of {@code batch} with Adam at {@code learningRate}.
     */
    public ToyTraining(int n, int d, boolean relu, double sparsity, double importanceDecay, int batch,
                       double learningRate, long seed) {
        if (n < 1 || d < 1 || batch < 1) {
            throw new IllegalArgumentException("need n >= 1, d >= 1 and batch >= 1, got " + n + ", " + d + ", " + batch);
        }
        this.n = n;
        this.d = d;
        this.relu = relu;
        this.batch = batch;
        this.learningRate = learningRate;
        this.random = new Lcg(seed);
        w = new double[d * n];
        double std = Math.sqrt(2.0 / (n + d)); // Xavier normal, as the paper's code and the build's trainer
        for (int i = 0; i < w.length; i++) {
            w[i] = random.nextGaussian() * std;
        }
        b = new double[n];
        mW = new double[w.length];
        vW = new double[w.length];
        mB = new double[n];
        vB = new double[n];
        gW = new double[w.length];
        gB = new double[n];
        importance = new double[n];
        setSparsity(sparsity);
        setImportanceDecay(importanceDecay);
    }

    public void setSparsity(double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException("sparsity must be in [0, 1), got " + sparsity);
        }
        this.sparsity = sparsity;
    }

    public void setImportanceDecay(double decay) {
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("importance decay must be in (0, 1], got " + decay);
        }
        for (int i = 0; i < n; i++) {
            importance[i] = Math.pow(decay, i);
        }
    }

    public double sparsity() {
        return sparsity;
    }

    /** Adam steps taken so far. */
    public int steps() {
        return steps;
    }

    /** The loss of the last step's batch (before its update); NaN before the first step. */
    public double loss() {
        return loss;
    }

    /** A batch from the data distribution: [batch, n], row-major. */
    double[] sample() {
        double[] x = new double[batch * n];
        for (int i = 0; i < x.length; i++) {
            double keep = random.nextDouble();
            double value = random.nextDouble();
            x[i] = keep < sparsity ? 0 : value;
        }
        return x;
    }

    /** One Adam step on a fresh batch; returns that batch's loss before the update. */
    public double step() {
        loss = lossAndGradients(sample(), batch);
        steps++;
        double c1 = 1 - Math.pow(BETA1, steps);
        double c2 = 1 - Math.pow(BETA2, steps);
        adam(w, gW, mW, vW, c1, c2);
        adam(b, gB, mB, vB, c1, c2);
        return loss;
    }

    private void adam(double[] p, double[] g, double[] m, double[] v, double c1, double c2) {
        for (int i = 0; i < p.length; i++) {
            m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
            v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
            p[i] -= learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
        }
    }

    /**
     * The loss on {@code x} ([rows, n], row-major) at the current weights, and its gradients, left in the
     * gradient buffers ({@link #gradientW()}, {@link #gradientB()}).
     */
    double lossAndGradients(double[] x, int rows) {
        java.util.Arrays.fill(gW, 0);
        java.util.Arrays.fill(gB, 0);
        double[] h = new double[d];
        double[] g = new double[n];
        double[] wg = new double[d];
        double total = 0;
        double scale = 1.0 / ((double) rows * n);
        for (int r = 0; r < rows; r++) {
            int at = r * n;
            for (int k = 0; k < d; k++) {          // h = W x
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += w[k * n + j] * x[at + j];
                }
                h[k] = s;
            }
            for (int i = 0; i < n; i++) {          // z = W^T h + b, x' = ReLU(z), g = dL/dz
                double z = b[i];
                for (int k = 0; k < d; k++) {
                    z += w[k * n + i] * h[k];
                }
                double out = relu && z < 0 ? 0 : z;
                double err = x[at + i] - out;
                total += importance[i] * err * err;
                g[i] = relu && z <= 0 ? 0 : -2 * importance[i] * err * scale;
                gB[i] += g[i];
            }
            for (int k = 0; k < d; k++) {          // W g
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += w[k * n + i] * g[i];
                }
                wg[k] = s;
            }
            for (int k = 0; k < d; k++) {          // dW += h g^T + (W g) x^T
                for (int j = 0; j < n; j++) {
                    gW[k * n + j] += h[k] * g[j] + wg[k] * x[at + j];
                }
            }
        }
        return total * scale;
    }

    double[] gradientW() {
        return gW;
    }

    double[] gradientB() {
        return gB;
    }

    double[] weights() {
        return w;
    }

    double[] bias() {
        return b;
    }

    /** The current weights as a model (a copy, in float). */
    public ToyModel model() {
        float[] wf = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            wf[i] = (float) w[i];
        }
        float[] bf = new float[n];
        for (int i = 0; i < n; i++) {
            bf[i] = (float) b[i];
        }
        return new ToyModel(Tensor.of(wf, d, n), Tensor.of(bf, n), relu);
    }
}
