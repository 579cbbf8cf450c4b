package org.circuitbook.generator.training;

import static org.circuitbook.generator.training.PlannedOps.exec;
import static org.circuitbook.generator.training.PlannedOps.product;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.widgets.model.TransformerConfig;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.array.SingleThreadArrayHolder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * true)}). The graph's parameter variables become views of one buffer that the step updates in place, so the
 * graph's forward pass (the parity check) and {@link Transformers#weights} read the trained weights, and Adam, the
 * decay and the update run once a step over every parameter (they act element by element). To hold views, the
 * graph gets single-thread array holders: use it from one thread.
 *
 * <p>The products of the attention read each head's queries, keys and values as strided views of the one
 * [rows, 3 h e] product that makes them, and write each head's output into the [rows, h e] rows W_O reads: no
 * permuted copies either way.
 *
 * <p>The step takes the batch as token sequences. It embeds them by index, as PyTorch's {@code W_E[tokens]}, and
 * sums the embedding's gradient by index; the graph multiplies one-hot rows ({@link Transformers#embedded}), which
 * adds the same two rows, only at the cost of a product each way. The loss's gradient and the batch's loss come from
 * the step's own softmax and the sequences' next tokens, with no one-hot labels.
 *
 * <p>Why not SameDiff's {@code fit}: on attn-only-2l SameDiff spends about 3 ms a step in Java between its 76 ops
 * and 1 ms in its cross-entropy gradient; this step is within about 10 % of PyTorch's on the machines measured
 * (README, Training). AttentionOnlyStepTest
 * holds it to SameDiff's gradients and to several steps of SameDiff's Adam and weight decay.
 */
final class AttentionOnlyStep {
    private final TransformerConfig cfg;
    private final int rows;
    private final double learningRate;
    private final double weightDecay;
    private final List<INDArray> params = new ArrayList<>();
    private final List<INDArray> grads = new ArrayList<>();
    private final INDArray allParams;
    private final INDArray allGrads;
    private final AdamUpdater adam;
    private final INDArray fullMask;
    private final INDArray ones;
    private final INDArray[] resid;
    private final INDArray[] qkv;
    private final INDArray[] scores;
    private final INDArray[] pattern;
    private final INDArray[] zFlat;
    private final INDArray logits;
    private final INDArray probs;
    private final INDArray dResid;
    private final INDArray dZFlat;
    private final INDArray dPattern;
    private final INDArray dScores;
    private final INDArray dQkv;
    private final INDArray dLogits;
    private final float[] embedding;
    private final float[] embedded;
    private final float[] dEmbedded;
    private final float[] dEmbedding;
    private final float[] dLogitValues;
    private final List<Runnable> forward = new ArrayList<>();
    private final List<Runnable> backward = new ArrayList<>();
    private double loss;
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
        List<String> names = new ArrayList<>(List.of(Transformers.W_E_POS));
        for (int l = 0; l < layers; l++) {
            String a = "blocks." + l + ".attn.";
            names.addAll(List.of(a + "W_QKV", a + "b_QKV", a + "W_O", a + "b_O"));
        }
        names.addAll(List.of("unembed.W_U", "unembed.b_U"));
        // every parameter becomes a view of one buffer (and the graph's variables those views), and so does every
        // gradient, so that Adam, weight decay and the update each run once over all of them
        long total = 0;
        for (String name : names) {
            total += sd.getVariable(name).getArr().length();
        }
        // SameDiff's default holder keeps a copy of a view it is given; the single-thread holder keeps the view
        // (the trainer uses its graph from one thread)
        sd.setArrayHolders(new SingleThreadArrayHolder(), new SingleThreadArrayHolder(), true);
        allParams = Nd4j.zeros(DataType.FLOAT, total);
        allGrads = Nd4j.zeros(DataType.FLOAT, total);
        long offset = 0;
        for (String name : names) {
            INDArray p = sd.getVariable(name).getArr();
            INDArray param = allParams.get(NDArrayIndex.interval(offset, offset + p.length())).reshape('c', p.shape());
            param.assign(p);
            sd.associateArrayWithVariable(param, name);
            params.add(param);
            grads.add(allGrads.get(NDArrayIndex.interval(offset, offset + p.length())).reshape('c', p.shape()));
            offset += p.length();
        }
        adam = new AdamUpdater(new Adam(learningRate, 0.9, 0.98, 1e-8));
        adam.setStateViewArray(Nd4j.zeros(DataType.FLOAT, 1, 2 * total), allParams.shape(), 'c', true);
        fullMask = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t).addi(Transformers.causalMask(t));
        ones = Nd4j.ones(DataType.FLOAT, 1, rows);
        resid = new INDArray[layers + 1];
        qkv = new INDArray[layers];
        scores = new INDArray[layers];
        pattern = new INDArray[layers];
        zFlat = new INDArray[layers];
        int d = cfg.d_model();
        int he = h * e;
        for (int l = 0; l <= layers; l++) {
            resid[l] = Nd4j.zeros(DataType.FLOAT, rows, d);
        }
        for (int l = 0; l < layers; l++) {
            qkv[l] = Nd4j.zeros(DataType.FLOAT, rows, 3 * he);
            scores[l] = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
            pattern[l] = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
            zFlat[l] = Nd4j.zeros(DataType.FLOAT, rows, he);
        }
        int v = cfg.d_vocab_out();
        logits = Nd4j.zeros(DataType.FLOAT, rows, v);
        probs = Nd4j.zeros(DataType.FLOAT, sequences, t, v);
        dResid = Nd4j.zeros(DataType.FLOAT, rows, d);
        dZFlat = Nd4j.zeros(DataType.FLOAT, rows, he);
        dPattern = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
        dScores = Nd4j.zeros(DataType.FLOAT, sequences, h, t, t);
        dQkv = Nd4j.zeros(DataType.FLOAT, rows, 3 * he);
        dLogits = Nd4j.zeros(DataType.FLOAT, rows, v);
        embedding = new float[(int) params.get(0).length()];
        embedded = new float[rows * d];
        dEmbedded = new float[rows * d];
        dEmbedding = new float[embedding.length];
        dLogitValues = new float[rows * v];
        plan(sequences);
    }

    /**
     * Builds the step's ND4J work once, over its own buffers and views: {@link #forward} from the embedded residual
     * stream to the softmax of the logits, {@link #backward} from the logits' gradient to the residual stream's.
     * Building each op and view once saves about a tenth of a step (SameDiff's per-op Java work, made visible).
     */
    private void plan(int sequences) {
        int layers = cfg.n_layers();
        int t = cfg.n_ctx();
        double scale = 1 / Math.sqrt(cfg.d_head());
        for (int l = 0; l < layers; l++) {
            int p = 1 + 4 * l;
            INDArray in = resid[l];
            INDArray out = resid[l + 1];
            INDArray product = qkv[l];
            INDArray bQkv = params.get(p + 1);
            INDArray bO = params.get(p + 3);
            INDArray s = scores[l];
            INDArray heads = heads(product);
            forward.add(product(in, params.get(p), product, false, false, 1, 0));
            forward.add(() -> product.addiRowVector(bQkv));
            forward.add(() -> s.assign(fullMask));                                                      // + mask, then
            forward.add(product(part(heads, 0), part(heads, 1), s, false, true, scale, 1));            // + q k^T / sqrt(e)
            forward.add(exec(new SoftMax(s, pattern[l], 3)));
            forward.add(product(pattern[l], part(heads, 2), byHead(zFlat[l]), false, false, 1, 0)); // z, into [rows, h e]
            forward.add(product(zFlat[l], params.get(p + 2), out, false, false, 1, 0));
            forward.add(() -> out.addiRowVector(bO).addi(in));
        }
        int u = params.size() - 2;
        INDArray bU = params.get(u + 1);
        forward.add(product(resid[layers], params.get(u), logits, false, false, 1, 0));
        forward.add(() -> logits.addiRowVector(bU));
        forward.add(exec(new SoftMax(logits.reshape(sequences, t, logits.size(1)), probs, 2)));

        backward.add(product(resid[layers], dLogits, grads.get(u), true, false, 1, 0));
        backward.add(product(ones, dLogits, grads.get(u + 1).reshape(1, -1), false, false, 1, 0));
        backward.add(product(dLogits, params.get(u), dResid, false, true, 1, 0));
        INDArray dHeads = heads(dQkv);
        INDArray dZ = byHead(dZFlat);
        for (int l = layers - 1; l >= 0; l--) {
            int p = 1 + 4 * l;
            INDArray heads = heads(qkv[l]);
            backward.add(product(zFlat[l], dResid, grads.get(p + 2), true, false, 1, 0));
            backward.add(product(ones, dResid, grads.get(p + 3).reshape(1, -1), false, false, 1, 0));
            backward.add(product(dResid, params.get(p + 2), dZFlat, false, true, 1, 0));
            backward.add(product(dZ, part(heads, 2), dPattern, false, true, 1, 0));
            backward.add(product(pattern[l], dZ, part(dHeads, 2), true, false, 1, 0));
            backward.add(exec(new SoftmaxBp(scores[l], dPattern, dScores, 3)));
            backward.add(product(dScores, part(heads, 1), part(dHeads, 0), false, false, scale, 0));
            backward.add(product(dScores, part(heads, 0), part(dHeads, 1), true, false, scale, 0));
            backward.add(product(resid[l], dQkv, grads.get(p), true, false, 1, 0));
            backward.add(product(ones, dQkv, grads.get(p + 1).reshape(1, -1), false, false, 1, 0));
            backward.add(product(dQkv, params.get(p), dResid, false, true, 1, 1));                  // += the residual's
        }
    }

    /**
     * Trains on one batch: {@code sequences}, each n_ctx + 1 tokens, tokens 0..n_ctx-1 the inputs and tokens 1..n_ctx
     * the targets. Returns the batch's mean cross-entropy before the update ({@link #logits} holds its logits).
     */
    double step(int[][] sequences) {
        gradients(sequences);
        adam.applyUpdater(allGrads, iteration, 0);
        if (weightDecay != 0) {
            allGrads.addi(allParams.mul(learningRate * weightDecay));
        }
        allParams.subi(allGrads);
        iteration++;
        return loss;
    }

    /** The logits [rows, d_vocab_out] of the last batch, before its update (the graph's "logits"). */
    INDArray logits() {
        return logits;
    }

    /**
     * The gradients of the batch's mean cross-entropy at the current parameters, in {@link #step}'s parameter order
     * (the arrays are the step's own, overwritten by the next call).
     */
    List<INDArray> gradients(int[][] sequences) {
        int t = cfg.n_ctx();
        int d = cfg.d_model();
        int vocab = cfg.d_vocab();
        int sequenceCount = rows / t;
        if (sequences.length != sequenceCount) {
            throw new IllegalArgumentException(sequences.length + " sequences; this step takes " + sequenceCount);
        }
        for (int[] sequence : sequences) {
            if (sequence.length != t + 1) {
                throw new IllegalArgumentException("a sequence of " + sequence.length + " tokens; the step takes "
                        + (t + 1));
            }
            for (int token : sequence) {
                if (token < 0 || token >= vocab) {
                    throw new IllegalArgumentException("token " + token + " outside the vocabulary 0.." + (vocab - 1));
                }
            }
        }
        // the embedding: row (s, p) is W_E[token] + W_pos[p], the rows W_E_pos holds at token and d_vocab + p
        read(params.get(0), embedding);
        for (int s = 0; s < sequenceCount; s++) {
            for (int p = 0; p < t; p++) {
                int out = (s * t + p) * d;
                int token = sequences[s][p] * d;
                int position = (vocab + p) * d;
                for (int j = 0; j < d; j++) {
                    embedded[out + j] = embedding[token + j] + embedding[position + j];
                }
            }
        }
        write(embedded, resid[0]);
        forward.forEach(Runnable::run);
        // the loss and its gradient (softmax - one-hot target) / rows, from the probabilities and the next tokens
        int v = (int) logits.size(1);
        read(probs, dLogitValues);
        double total = 0;
        for (int s = 0; s < sequenceCount; s++) {
            for (int p = 0; p < t; p++) {
                int row = s * t + p;
                int target = row * v + sequences[s][p + 1];
                float probability = dLogitValues[target];
                total += probability >= Float.MIN_NORMAL ? -Math.log(probability) : crossEntropy(row, target - row * v);
                dLogitValues[target] -= 1;
            }
        }
        loss = total / rows;
        float perRow = 1f / rows;
        for (int i = 0; i < dLogitValues.length; i++) {
            dLogitValues[i] *= perRow;
        }
        write(dLogitValues, dLogits);
        backward.forEach(Runnable::run);
        // the embedding's gradient: each row's residual gradient, added to its token's row and its position's row
        read(dResid, dEmbedded);
        java.util.Arrays.fill(dEmbedding, 0f);
        for (int s = 0; s < sequenceCount; s++) {
            for (int p = 0; p < t; p++) {
                int in = (s * t + p) * d;
                int token = sequences[s][p] * d;
                int position = (vocab + p) * d;
                for (int j = 0; j < d; j++) {
                    dEmbedding[token + j] += dEmbedded[in + j];
                    dEmbedding[position + j] += dEmbedded[in + j];
                }
            }
        }
        write(dEmbedding, grads.get(0));
        return grads;
    }

    /**
     * Row {@code row}'s cross-entropy against class {@code target}, from its logits: for a row whose softmax at the
     * target underflowed, where -log of it would be infinite.
     */
    private double crossEntropy(int row, int target) {
        INDArray label = Nd4j.zeros(DataType.FLOAT, 1, logits.size(1));
        label.putScalar(0, target, 1);
        return StepLosses.crossEntropy(logits.getRow(row, true), label);
    }

    /** Copies {@code a}'s values (a contiguous array or view, in row-major order) into {@code into}. */
    private static void read(INDArray a, float[] into) {
        requireContiguous(a, into.length);
        a.data().asNio().asFloatBuffer().get((int) a.offset(), into);
    }

    /** Copies {@code from} into {@code a} (a contiguous array or view, in row-major order). */
    private static void write(float[] from, INDArray a) {
        requireContiguous(a, from.length);
        a.data().asNio().asFloatBuffer().put((int) a.offset(), from);
    }

    private static void requireContiguous(INDArray a, int length) {
        if (a.length() != length || a.ordering() != 'c' || !org.nd4j.linalg.api.shape.Shape.hasDefaultStridesForShape(a)) {
            throw new IllegalArgumentException("not a contiguous row-major array of " + length + ": " + a.shapeInfoToString());
        }
    }

    /**
     * The heads' queries, keys and values in {@code qkv} [rows, 3 h e] as a view [3, batch, h, pos, e]: no copy, as
     * the batched products read and write each head's [pos, e] matrix with its row stride (3 h e).
     */
    private INDArray heads(INDArray qkv) {
        return qkv.reshape(rows / cfg.n_ctx(), cfg.n_ctx(), 3, cfg.n_heads(), cfg.d_head()).permute(2, 0, 3, 1, 4);
    }

    /** The heads' outputs in {@code flat} [rows, h e] (the order W_O reads) as a view [batch, h, pos, e]. */
    private INDArray byHead(INDArray flat) {
        return flat.reshape(rows / cfg.n_ctx(), cfg.n_ctx(), cfg.n_heads(), cfg.d_head()).permute(0, 2, 1, 3);
    }

    /** q, k or v ({@code i} 0, 1, 2) of [3, batch, h, pos, e]: a view. */
    private static INDArray part(INDArray stacked, int i) {
        return stacked.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all());
    }
}
