package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.model.Composition;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The widgets' {@link Composition} against ND4J's matrix products, in double, on the book's two-layer shapes (d_model
 * 64, 4 heads of 16, d_vocab 48) with weights drawn as the trainer initialises them (std 0.8 / sqrt(d_model)).
 */
@DisplayName("Composition against ND4J on the book's shapes")
class CompositionNd4jTest {
    static final TransformerConfig CFG = new TransformerConfig(2, 64, 16, 4, 0, 48, 48, 32, null, true, null, "standard");

    static HookedTransformer model() {
        Random random = new Random(5);
        Map<String, Tensor> w = new LinkedHashMap<>();
        HookedTransformer.parameterShapes(CFG).forEach((name, shape) -> {
            Tensor t = Tensor.zeros(shape);
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) (0.8 / Math.sqrt(64) * random.nextGaussian());
            }
            w.put(name, t);
        });
        return new HookedTransformer(CFG, w);
    }

    static INDArray nd(Tensor t) {
        float[] d = t.data();
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[i];
        }
        return Nd4j.create(out, new long[] {t.dim(0), t.dim(1)}, DataType.DOUBLE);
    }

    @Test
    @DisplayName("the K-, Q- and V-composition tables and the Frobenius scores of every pair match ND4J's")
    void tablesAndScores() {
        HookedTransformer m = model();
        INDArray wE = nd(m.W_E());
        INDArray wU = nd(m.W_U());
        double root = Math.sqrt(CFG.d_head());
        double[][][] scores = {Composition.scores(m, "q"), Composition.scores(m, "k"), Composition.scores(m, "v")};
        for (int a = 0; a < 4; a++) {
            INDArray ov0 = nd(m.W_V(0).index(a)).mmul(nd(m.W_O(0).index(a)));
            for (int b = 0; b < 4; b++) {
                INDArray qk1 = nd(m.W_Q(1).index(b)).mmul(nd(m.W_K(1).index(b)).transpose());
                INDArray ov1 = nd(m.W_V(1).index(b)).mmul(nd(m.W_O(1).index(b)));
                INDArray written = wE.mmul(ov0);
                assertClose(wE.mmul(qk1).mmul(written.transpose()).div(root), Composition.table(m, "k", a, b), "K");
                assertClose(written.mmul(qk1).mmul(wE.transpose()).div(root), Composition.table(m, "q", a, b), "Q");
                assertClose(written.mmul(ov1).mmul(wU), Composition.table(m, "v", a, b), "V");
                INDArray[] pairs = {ov0.mmul(qk1), ov0.mmul(qk1.transpose()), ov0.mmul(ov1)};
                INDArray[] second = {qk1, qk1, ov1};
                for (int k = 0; k < 3; k++) {
                    double want = pairs[k].norm2Number().doubleValue()
                            / (ov0.norm2Number().doubleValue() * second[k].norm2Number().doubleValue());
                    assertEquals(want, scores[k][a][b], 1e-9, "score " + "qkv".charAt(k) + " 0." + a + " 1." + b);
                }
            }
        }
    }

    private static void assertClose(INDArray want, Tensor got, String what) {
        double scale = want.amaxNumber().doubleValue();
        for (int i = 0; i < got.dim(0); i++) {
            for (int j = 0; j < got.dim(1); j++) {
                assertEquals(want.getDouble(i, j), got.get(i, j), 1e-5 * scale, what + " (" + i + ", " + j + ")");
            }
        }
    }
}
