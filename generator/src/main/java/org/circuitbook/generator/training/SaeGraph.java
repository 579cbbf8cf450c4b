package org.circuitbook.generator.training;

import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * A sparse autoencoder as a SameDiff graph, trained with Adam (Sharkey et al. 2022; Bricken et al. 2023): latents
 * {@code f = ReLU((x - b_dec) W_enc + b_enc)}, reconstruction {@code f W_dec + b_dec}; loss the squared
 * reconstruction error plus {@code l1} times the latents weighted by their decoder norms (Anthropic's 2024 update,
 * which needs no renormalising of W_dec). W_dec's rows start as random unit vectors, W_enc as their transpose.
 * Shared by the sae-toy kind (toy activations) and the othello kind (its residual stream).
 */
final class SaeGraph {
    private final SameDiff sd = SameDiff.create();
    private final int dIn;
    private final int dSae;
    private final SDVariable wEnc;
    private final SDVariable bEnc;
    private final SDVariable wDec;
    private final SDVariable bDec;
    private final double l1;

    SaeGraph(int dIn, int dSae, double l1, double learningRate, long seed) {
        this.dIn = dIn;
        this.dSae = dSae;
        this.l1 = l1;
        SDVariable x = sd.placeHolder("input", DataType.FLOAT, -1, dIn);
        SDVariable target = sd.placeHolder("label", DataType.FLOAT, -1, dIn);
        Random init = new Random(seed);
        float[] dec = new float[dSae * dIn];           // W_dec rows: random unit directions
        for (int j = 0; j < dSae; j++) {
            double norm = 0;
            for (int k = 0; k < dIn; k++) {
                dec[j * dIn + k] = (float) init.nextGaussian();
                norm += dec[j * dIn + k] * dec[j * dIn + k];
            }
            for (int k = 0; k < dIn; k++) {
                dec[j * dIn + k] /= (float) Math.sqrt(norm);
            }
        }
        INDArray wDec0 = Nd4j.create(dec, new long[] {dSae, dIn}, DataType.FLOAT);
        wEnc = sd.var(SparseAutoencoder.W_ENC, wDec0.transpose().dup('c'));   // [d_in, d_sae]: tied at init
        bEnc = sd.var(SparseAutoencoder.B_ENC, Nd4j.zeros(DataType.FLOAT, dSae));
        wDec = sd.var(SparseAutoencoder.W_DEC, wDec0);                        // [d_sae, d_in]
        bDec = sd.var(SparseAutoencoder.B_DEC, Nd4j.zeros(DataType.FLOAT, dIn));
        SDVariable centred = sd.nn.biasAdd(x, bDec.neg(), true);                          // [batch, d_in]
        SDVariable f = Training.relu(sd, "latents", sd.nn.biasAdd(centred.mmul(wEnc), bEnc, true)); // [batch, d_sae]
        SDVariable xHat = sd.nn.biasAdd("output", f.mmul(wDec), bDec, true);              // [batch, d_in]
        SDVariable err = xHat.sub(target);
        SDVariable mse = err.mul(err).sum(1).mean();
        SDVariable decNorms = sd.math.sqrt(wDec.mul(wDec).sum(1));                        // [d_sae]
        SDVariable sparsity = f.mmul(sd.reshape(decNorms, dSae, 1)).mean();               // mean_b sum_j f_j |W_dec,j|
        SDVariable loss = mse.add("loss", sparsity.mul(l1));
        sd.setLossVariables(loss);
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Adam(learningRate))
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
    }

    /** {@code steps} Adam steps, each on the batch {@code inputs} gives ([batch, d_in]), reconstructing it. */
    void fit(int steps, Supplier<INDArray> inputs) {
        sd.setListeners(new LossProgress());
        sd.fit(Batches.autoencoding(steps, inputs), 1);
    }

    /**
     * The loss of every {@link #LOSS_EVERY}th training batch, for the progress line ({@link Progress}): computed on the
     * JVM from the latents and the reconstruction the training pass produced (SameDiff does not run the loss op
     * itself while training) and W_dec as it was for that pass.
     */
    private final class LossProgress extends org.nd4j.autodiff.listeners.BaseListener {
        private static final int LOSS_EVERY = 25;
        private int batches;
        private float[] latents;

        @Override
        public boolean isActive(org.nd4j.autodiff.listeners.Operation operation) {
            return operation == org.nd4j.autodiff.listeners.Operation.TRAINING;
        }

        @Override
        public void opExecution(SameDiff graph, org.nd4j.autodiff.listeners.At at,
                                org.nd4j.linalg.dataset.api.MultiDataSet batch,
                                org.nd4j.autodiff.samediff.internal.SameDiffOp op,
                                org.nd4j.linalg.api.ops.OpContext opContext, INDArray[] outputs) {
            java.util.List<String> names = op.getOutputsOfOp();
            if (names == null) {
                return;
            }
            if (names.contains("latents")) {
                latents = batches++ % LOSS_EVERY == 0 ? Training.floats(outputs[names.indexOf("latents")]) : null;
            } else if (names.contains("output") && latents != null) {
                float[] xHat = Training.floats(outputs[names.indexOf("output")]);
                float[] x = Training.floats(batch.getLabels(0));
                float[] dec = Training.floats(wDec.getArr());
                int rows = x.length / dIn;
                double[] norms = new double[dSae];
                for (int j = 0; j < dSae; j++) {
                    double sq = 0;
                    for (int k = 0; k < dIn; k++) {
                        sq += (double) dec[j * dIn + k] * dec[j * dIn + k];
                    }
                    norms[j] = Math.sqrt(sq);
                }
                double total = 0;
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < dIn; k++) {
                        double e = xHat[r * dIn + k] - x[r * dIn + k];
                        total += e * e;
                    }
                    for (int j = 0; j < dSae; j++) {
                        total += l1 * latents[r * dSae + j] * norms[j];
                    }
                }
                Progress.loss(total / rows);
                latents = null;
            }
        }
    }

    /** The trained weights, for the widgets' pure-Java forward pass. */
    SparseAutoencoder sae() {
        return new SparseAutoencoder(Training.export(wEnc.getArr(), dIn, dSae), Training.export(bEnc.getArr(), dSae),
                Training.export(wDec.getArr(), dSae, dIn), Training.export(bDec.getArr(), dIn));
    }

    /** ND4J's reconstruction of {@code x}. */
    INDArray output(INDArray x) {
        return sd.output(Map.of("input", x), "output").get("output");
    }

    /** The loss on {@code x}. */
    double loss(INDArray x) {
        return sd.output(Map.of("input", x, "label", x), "loss").get("loss").getDouble(0);
    }
}
