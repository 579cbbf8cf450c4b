package org.circuitbook.widgets.model;

import java.util.Map;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * The toy model of superposition: Elhage et al. (2022), "Toy Models of Superposition", section 2.
 *
 * <p>{@code n_features} sparse input features are squeezed into {@code d_hidden} dimensions by a matrix
 * {@code W} and read back out through its transpose, a bias and a ReLU:
 *
 * <pre>
 *   h  = W x                 (d_hidden)
 *   x' = ReLU(W^T h + b)     (n_features)
 * </pre>
 *
 * Column {@code i} of {@code W} is the direction feature {@code i} is given in the hidden space; when
 * there are more features than dimensions, features sharing the space is superposition.
 */
public final class ToyModel {
    /** Tensor names in the weights file. */
    public static final String W = "W";
    public static final String B_FINAL = "b_final";

    /** Metadata key naming the output nonlinearity: "relu" (the default) or "linear". */
    public static final String OUTPUT = "output";

    private final Tensor w;      // [d_hidden, n_features]
    private final Tensor bFinal; // [n_features]
    private final boolean relu;

    public ToyModel(Tensor w, Tensor bFinal) {
        this(w, bFinal, true);
    }

    /** {@code relu} false gives the paper's linear comparison model, x' = W^T W x + b. */
    public ToyModel(Tensor w, Tensor bFinal, boolean relu) {
        if (w.rank() != 2) {
            throw new IllegalArgumentException("W must be [d_hidden, n_features], got " + w);
        }
        if (bFinal.rank() != 1 || bFinal.dim(0) != w.dim(1)) {
            throw new IllegalArgumentException("b_final must be [n_features] = [" + w.dim(1) + "], got " + bFinal);
        }
        this.w = w;
        this.bFinal = bFinal;
        this.relu = relu;
    }

    /** Reads {@code W} and {@code b_final} from a weights file. */
    public static ToyModel fromWeights(SafeTensors weights) {
        String output = weights.metadata().get(OUTPUT);
        return new ToyModel(weights.tensor(W), weights.tensor(B_FINAL), !"linear".equals(output));
    }

    /** True for x' = ReLU(W^T W x + b), false for the linear model. */
    public boolean relu() {
        return relu;
    }

    /** The tensors to store, under their weights-file names. */
    public Map<String, Tensor> tensors() {
        return Map.of(W, w, B_FINAL, bFinal);
    }

    public int nFeatures() {
        return w.dim(1);
    }

    public int dHidden() {
        return w.dim(0);
    }

    /** {@code W}: [d_hidden, n_features]. */
    public Tensor W() {
        return w;
    }

    /** {@code b_final}: [n_features]. */
    public Tensor b_final() {
        return bFinal;
    }

    /** x' = ReLU(x W^T W + b) for a batch of inputs: [batch, n_features] -> [batch, n_features]. */
    public Tensor forward(Tensor x) {
        int n = w.dim(1);
        int m = w.dim(0);
        if (x.shape().length != 2 || x.dim(1) != n) {
            return Ops.matmul(x, Ops.transpose(w)); // which throws its own message
        }
        // Ops.matmul(x, W^T), Ops.matmul(h, W), Ops.addBias and Ops.relu in one pass per input, each sum in their
        // order from +0, so on the JVM the floats are theirs bit for bit (in TeaVM's JavaScript the sums are kept in
        // double precision until stored, as in Ops.matmul); the input's zero features (most of them: the inputs
        // are sparse) are skipped, which with a finite W only ever added a zero
        int batch = x.dim(0);
        float[] xs = x.data();
        float[] ws = w.data();
        float[] b = bFinal.data();
        float[] out = new float[batch * n];
        float[] h = new float[m];
        int[] active = new int[n];
        for (int i = 0; i < batch; i++) {
            int row = i * n;
            int count = 0;
            for (int p = 0; p < n; p++) {
                if (xs[row + p] != 0f) {
                    active[count++] = p;
                }
            }
            for (int j = 0; j < m; j++) {                 // h = x W^T: [d_hidden]
                float sum = 0f;
                for (int c = 0; c < count; c++) {
                    int p = active[c];
                    sum += xs[row + p] * ws[j * n + p];
                }
                h[j] = sum;
            }
            for (int f = 0; f < n; f++) {                 // x' = h W + b, then the ReLU
                float sum = 0f;
                for (int j = 0; j < m; j++) {
                    sum += h[j] * ws[j * n + f];
                }
                float v = sum + b[f];
                out[row + f] = relu ? (v > 0f ? v : 0f) : v;
            }
        }
        return Tensor.of(out, batch, n);
    }

    /** W^T W: how much each feature's direction overlaps every other's: [n_features, n_features]. */
    public Tensor gram() {
        return Ops.matmul(Ops.transpose(w), w);
    }

    /**
     * Each feature's dimensionality (Elhage et al. 2022, "Feature Dimensionality"):
     * D_i = ||W_i||^2 / sum_j (W^_i . W_j)^2, with W^_i the unit vector along W_i. A feature with a
     * dimension to itself has D_i = 1; two features sharing one dimension as an antipodal pair have 1/2
     * each; a dropped feature has 0. Returns [n_features].
     */
    public Tensor featureDimensionality() {
        Tensor g = gram();                       // [n_features, n_features]: W_i . W_j
        int n = nFeatures();
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            double normSq = g.get(i, i);
            if (normSq < 1e-12) {
                continue;                        // a dropped feature has no direction: dimensionality 0
            }
            double interference = 0;
            for (int j = 0; j < n; j++) {
                double proj = g.get(i, j);       // W_i . W_j = ||W_i|| (W^_i . W_j)
                interference += proj * proj / normSq;
            }
            out[i] = (float) (normSq / interference);
        }
        return Tensor.of(out, n);
    }

    /** ||W_i||, the length of each feature's direction: [n_features]. Near 1: represented; near 0: dropped. */
    public Tensor featureNorms() {
        return Ops.columnNorms(w);
    }
}
