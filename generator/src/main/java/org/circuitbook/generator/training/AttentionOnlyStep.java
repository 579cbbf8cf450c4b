package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.model.TransformerConfig;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.SoftmaxBp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * One training step of the attention-only transformer written out in ND4J ops: the forward pass of
 * {@link Transformers#logits} on {@link Transformers#fusedParameters}, the softmax cross-entropy's gradient, every
 * parameter's gradient by hand, then ND4J's own Adam ({@link AdamUpdater}, as SameDiff applies it) and decoupled
 * weight decay ({@code update += lr * decay * param}, after the updater, as SameDiff's {@code weightDecay(decay,
 * true)}). It updates the SameDiff graph's own parameter arrays in place, so the graph's forward pass (the parity
 * check) and {@link Transformers#weights} read the trained weights.
 *
 * <p>Why not SameDiff's {@code fit}: on attn-only-2l SameDiff spends about 3 ms a step in Java between its 76 ops
 * and 1 ms in its cross-entropy gradient; this step is at PyTorch's pace (README, Training). AttentionOnlyStepTest
 * holds it to SameDiff's gradients and to several steps of SameDiff's Adam and weight decay.
 */
final class AttentionOnlyStep {
    private final TransformerConfig cfg;
    private final int rows;
    private final double learningRate;
    private final double weightDecay;
    private final List<INDArray> params = new ArrayList<>();
    private final List<INDArray> grads = new ArrayList<>();
    private final List<AdamUpdater> updaters = new ArrayList<>();
    private final INDArray fullMask;
    private final INDArray ones;
    private final INDArray[] resid;
    private final INDArray[] qkv;
    private final INDArray[] heads;
    private final INDArray[] scores;
    private final INDArray[] pattern;
    private final INDArray[] z;
    private final INDArray[] zFlat;
    private final INDArray logits;
    private final INDArray probs;
    private final INDArray dResid;
    private final INDArray dZFlat;
    private final INDArray dZ;
    private final INDArray dPattern;
    private final INDArray dScores;
    private final INDArray dHeads;
    private final INDArray dQkv;
    private int iteration;

    /**
     * A step for batches of {@code sequences} sequences on the parameters of {@code sd} (made by
     * {@link Transformers#fusedParameters} for {@code cfg}), with Adam(lr, 0.9, 0.98, 1e-8), fresh state.
     */
    AttentionOnlyStep(SameDiff sd, TransformerConfig cfg, int sequences, double learningRate, double weightDecay) {
        if (!cfg.attn_only()) {
            throw new IllegalArgumentException("AttentionOnlyStep trains attention-only models");
        }
        this.cfg = cfg;
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        int t = cfg.n_ctx();
        int h = cfg.n_heads();
        int e = cfg.d_head();
        int layers = cfg.n_layers();
        this.rows = sequences * t;
        add(sd, Transformers.W_E_POS);
        for (int l = 0; l < layers; l++) {
            String a = "blocks." + l + ".attn.";
            add(sd, a + "W_QKV");
            add(sd, a + "b_QKV");
            add(sd, a + "W_O");
            add(sd, a + "b_O");
        }
        add(sd, "unembed.W_U");
        add(sd, "unembed.b_U");
        fullMask = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t).addi(Transformers.causalMask(t));
        ones = Nd4j.ones(DataType.FLOAT, 1, rows);
        resid = new INDArray[layers + 1];
        qkv = new INDArray[layers];
        heads = new INDArray[layers];
        scores = new INDArray[layers];
        pattern = new INDArray[layers];
        z = new INDArray[layers];
        zFlat = new INDArray[layers];
        int d = cfg.d_model();
        int he = h * e;
        for (int l = 0; l <= layers; l++) {
            resid[l] = Nd4j.zeros(DataType.FLOAT, rows, d);
        }
        for (int l = 0; l < layers; l++) {
            qkv[l] = Nd4j.zeros(DataType.FLOAT, rows, 3 * he);
            heads[l] = Nd4j.zeros(DataType.FLOAT, 3, sequences, h, t, e);
            scores[l] = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
            pattern[l] = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
            z[l] = Nd4j.zeros(DataType.FLOAT, sequences, h, t, e);
            zFlat[l] = Nd4j.zeros(DataType.FLOAT, rows, he);
        }
        int v = cfg.d_vocab_out();
        logits = Nd4j.zeros(DataType.FLOAT, rows, v);
        probs = Nd4j.zeros(DataType.FLOAT, sequences, t, v);
        dResid = Nd4j.zeros(DataType.FLOAT, rows, d);
        dZFlat = Nd4j.zeros(DataType.FLOAT, rows, he);
        dZ = Nd4j.zeros(DataType.FLOAT, sequences, h, t, e);
        dPattern = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
        dScores = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
        dHeads = Nd4j.zeros(DataType.FLOAT, 3, sequences, h, t, e);
        dQkv = Nd4j.zeros(DataType.FLOAT, rows, 3 * he);
    }

    private void add(SameDiff sd, String name) {
        INDArray p = sd.getVariable(name).getArr();
        params.add(p);
        grads.add(Nd4j.zeros(DataType.FLOAT, p.shape()));
        AdamUpdater u = new AdamUpdater(new Adam(learningRate, 0.9, 0.98, 1e-8));
        u.setStateViewArray(Nd4j.zeros(DataType.FLOAT, 1, 2 * p.length()), p.shape(), 'c', true);
        updaters.add(u);
    }

    /**
     * Trains on one batch: {@code x} [rows, {@link Transformers#inputWidth}] ({@link Transformers#encode}),
     * {@code labels} one-hot [rows, d_vocab_out]. Returns the logits before the update (the graph's "logits").
     */
    INDArray step(INDArray x, INDArray labels) {
        gradients(x, labels);
        for (int i = 0; i < params.size(); i++) {
            INDArray update = grads.get(i);
            updaters.get(i).applyUpdater(update, iteration, 0);
            if (weightDecay != 0) {
                update.addi(params.get(i).mul(learningRate * weightDecay));
            }
            params.get(i).subi(update);
        }
        iteration++;
        return logits;
    }

    /** The gradients of the mean cross-entropy at the current parameters, in {@link #step}'s parameter order. */
    List<INDArray> gradients(INDArray x, INDArray labels) {
        if (x.size(0) != rows) {
            throw new IllegalArgumentException("a batch of " + x.size(0) + " rows; this step takes " + rows);
        }
        int layers = cfg.n_layers();
        int t = cfg.n_ctx();
        int h = cfg.n_heads();
        int e = cfg.d_head();
        int sequences = rows / t;
        double scale = 1 / Math.sqrt(e);
        mm(x, params.get(0), resid[0], false, false);
        for (int l = 0; l < layers; l++) {
            int p = 1 + 4 * l;
            mm(resid[l], params.get(p), qkv[l], false, false);
            qkv[l].addiRowVector(params.get(p + 1));
            heads[l].assign(qkv[l].reshape(sequences, t, 3, h, e).permute(2, 0, 3, 1, 4));
            scores[l].assign(fullMask);                                                        // + mask, then
            gemm(part(heads[l], 0), part(heads[l], 1), scores[l], false, true, scale, 1);      // + q k^T / sqrt(e)
            Nd4j.exec(new SoftMax(scores[l], pattern[l], 3));
            mm(pattern[l], part(heads[l], 2), z[l], false, false);
            zFlat[l].assign(z[l].permute(0, 2, 1, 3).reshape(rows, (long) h * e));
            mm(zFlat[l], params.get(p + 2), resid[l + 1], false, false);
            resid[l + 1].addiRowVector(params.get(p + 3)).addi(resid[l]);
        }
        int u = params.size() - 2;
        mm(resid[layers], params.get(u), logits, false, false);
        logits.addiRowVector(params.get(u + 1));
        Nd4j.exec(new SoftMax(logits.reshape(sequences, t, logits.size(1)), probs, 2));
        INDArray dLogits = probs.reshape(rows, logits.size(1)).subi(labels).divi(rows);
        mm(resid[layers], dLogits, grads.get(u), true, false);
        mm(ones, dLogits, grads.get(u + 1).reshape(1, -1), false, false);
        mm(dLogits, params.get(u), dResid, false, true);
        for (int l = layers - 1; l >= 0; l--) {
            int p = 1 + 4 * l;
            mm(zFlat[l], dResid, grads.get(p + 2), true, false);
            mm(ones, dResid, grads.get(p + 3).reshape(1, -1), false, false);
            mm(dResid, params.get(p + 2), dZFlat, false, true);
            dZ.assign(dZFlat.reshape(sequences, t, h, e).permute(0, 2, 1, 3));
            mm(dZ, part(heads[l], 2), dPattern, false, true);
            mm(pattern[l], dZ, part(dHeads, 2), true, false);
            Nd4j.exec(new SoftmaxBp(scores[l], dPattern, dScores, 3));
            gemm(dScores, part(heads[l], 1), part(dHeads, 0), false, false, scale, 0);
            gemm(dScores, part(heads[l], 0), part(dHeads, 1), true, false, scale, 0);
            dQkv.reshape(sequences, t, 3, h, e).assign(dHeads.permute(1, 3, 0, 2, 4));
            mm(resid[l], dQkv, grads.get(p), true, false);
            mm(ones, dQkv, grads.get(p + 1).reshape(1, -1), false, false);
            gemm(dQkv, params.get(p), dResid, false, true, 1, 1);                              // += the residual's
        }
        mm(x, dResid, grads.get(0), true, false);
        return grads;
    }

    /** q, k or v ({@code i} 0, 1, 2) of [3, batch, h, pos, e]: a view. */
    private static INDArray part(INDArray stacked, int i) {
        return stacked.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
    }

    private static void mm(INDArray a, INDArray b, INDArray out, boolean transposeA, boolean transposeB) {
        gemm(a, b, out, transposeA, transposeB, 1, 0);
    }

    /** out = alpha * a b + beta * out, a and b transposed as asked (batched over leading axes). */
    private static void gemm(INDArray a, INDArray b, INDArray out, boolean transposeA, boolean transposeB, double alpha,
                             double beta) {
        Nd4j.exec(new Mmul(a, b, out, alpha, beta, transposes(transposeA, transposeB)));
    }

    private static MMulTranspose transposes(boolean a, boolean b) {
        return MMulTranspose.builder().transposeA(a).transposeB(b).build();
    }
}
