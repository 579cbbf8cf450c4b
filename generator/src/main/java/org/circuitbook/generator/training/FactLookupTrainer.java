package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.model.FactLookup;
import org.circuitbook.widgets.model.FactTable;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.weights.WeightNames;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the fact-lookup toy with ND4J SameDiff: full-batch Adam on softmax cross-entropy over every fact
 * ({@link FactTable}). The embeddings {@code W_E} are frozen random vectors (they enter as the input), the
 * blocks' MLPs and the unembedding learn. Then, on the published weights, with the widgets' pure-Java
 * {@link FactLookup}: recall, causal tracing over every fact ({@link FactTable#NOISE_SCALE} x the embedding std,
 * {@link FactTable#TRACE_SEEDS}) and ROME edits ({@link FactTable#edits}) at the layer where restoring the
 * subject's last token helps most. Parity: pure-Java logits against ND4J's on every fact, 1e-4.
 */
final class FactLookupTrainer {
    static final String VERSION = "fact-lookup/2"; // 2: trained on ND4J's oneDNN build
    static final double PARITY_TOLERANCE = 1e-4;

    private FactLookupTrainer() {
    }

    static TrainedModel train(String specName, FactLookupSpec spec) {
        FactTable table = new FactTable(spec.entities(), spec.relations(), spec.attributes(), spec.dModel(), spec.seed());
        int n = table.size(), d = spec.dModel(), m = spec.dMlp(), a = spec.attributes(), pos = FactTable.N_CTX;
        float[] x = new float[n * pos * d];
        float[] y = new float[n * a];
        for (int f = 0; f < n; f++) {
            int[] tokens = table.prompt(f);
            for (int p = 0; p < pos; p++) {
                for (int k = 0; k < d; k++) {
                    x[(f * pos + p) * d + k] = table.embedding(tokens[p])[k];
                }
            }
            y[f * a + table.attribute(f)] = 1;
        }
        INDArray inputs = Nd4j.create(x, new long[] {n, pos * d}, DataType.FLOAT);
        INDArray labels = Nd4j.create(y, new long[] {n, a}, DataType.FLOAT);

        SameDiff sd = SameDiff.create();
        SDVariable in = sd.placeHolder("input", DataType.FLOAT, -1, pos * d);
        SDVariable label = sd.placeHolder("label", DataType.FLOAT, -1, a);
        java.util.Random init = new java.util.Random(spec.seed() * 31 + 7);
        SDVariable[] resid = new SDVariable[pos];
        for (int p = 0; p < pos; p++) {
            float[] sel = new float[pos * d * d];
            for (int k = 0; k < d; k++) {
                sel[(p * d + k) * d + k] = 1;
            }
            resid[p] = in.mmul(sd.constant("select" + p, Nd4j.create(sel, new long[] {pos * d, d}, DataType.FLOAT)));
        }
        List<SDVariable[]> mlp = new ArrayList<>();
        for (int l = 0; l < spec.nLayers(); l++) {
            String prefix = "blocks." + l + ".mlp.";
            SDVariable wIn = sd.var(prefix + "W_in", gaussian(init, new long[] {d, m}, 1 / Math.sqrt(d)));
            SDVariable bIn = sd.var(prefix + "b_in", Nd4j.zeros(DataType.FLOAT, m));
            SDVariable wOut = sd.var(prefix + "W_out", gaussian(init, new long[] {m, d}, 1 / Math.sqrt(m)));
            SDVariable bOut = sd.var(prefix + "b_out", Nd4j.zeros(DataType.FLOAT, d));
            mlp.add(new SDVariable[] {wIn, bIn, wOut, bOut});
            SDVariable[] next = new SDVariable[pos];
            for (int p = 0; p < pos; p++) {
                SDVariable mid = p == 0 ? resid[p] : resid[p].add(resid[p - 1]);
                SDVariable post = Training.relu(sd, null, sd.nn.biasAdd(mid.mmul(wIn), bIn, true));
                next[p] = mid.add(sd.nn.biasAdd(post.mmul(wOut), bOut, true));
            }
            resid = next;
        }
        SDVariable wU = sd.var("W_U", gaussian(init, new long[] {d, a}, 1 / Math.sqrt(d)));
        SDVariable bU = sd.var("b_U", Nd4j.zeros(DataType.FLOAT, a));
        SDVariable logits = sd.nn.biasAdd("logits", resid[pos - 1].mmul(wU), bU, true);
        sd.setLossVariables(sd.loss.softmaxCrossEntropy("loss", label, logits, null));
        sd.setTrainingConfig(new TrainingConfig.Builder().updater(new Adam(spec.learningRate()))
                .dataSetFeatureMapping("input").dataSetLabelMapping("label").build());
        sd.setListeners(new StepLosses("logits")); // for the progress line only
        sd.fit(Batches.repeating(spec.steps(), new org.nd4j.linalg.dataset.MultiDataSet(inputs, labels)), 1);

        Map<String, Tensor> weights = new LinkedHashMap<>();
        weights.put("W_E", table.embeddings());
        for (int l = 0; l < spec.nLayers(); l++) {
            String prefix = "blocks." + l + ".mlp.";
            SDVariable[] w = mlp.get(l);
            weights.put(prefix + "W_in", Training.export(w[0].getArr(), d, m));
            weights.put(prefix + "b_in", Training.export(w[1].getArr(), m));
            weights.put(prefix + "W_out", Training.export(w[2].getArr(), m, d));
            weights.put(prefix + "b_out", Training.export(w[3].getArr(), d));
        }
        weights.put("W_U", Training.export(wU.getArr(), d, a));
        weights.put("b_U", Training.export(bU.getArr(), a));
        float[] expected = Training.floats(sd.output(Map.of("input", inputs), "logits").get("logits"));
        double finalLoss = sd.output(Map.of("input", inputs, "label", labels), "loss").get("loss").getDouble(0);

        FactLookup model = new FactLookup(weights, spec.nLayers());
        double diff = 0;
        for (int f = 0; f < n; f++) {
            double[] actual = model.forward(table.prompt(f)).logits;
            for (int k = 0; k < a; k++) {
                diff = Math.max(diff, Math.abs(actual[k] - expected[f * a + k]));
            }
        }
        Training.requireParity(WeightNames.FINAL, "logits differ from ND4J's", diff, PARITY_TOLERANCE,
                String.valueOf(PARITY_TOLERANCE));

        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("final_loss", finalLoss);
        long start = System.nanoTime();
        metrics.putAll(FactTable.metrics(model, table));
        if (Boolean.getBoolean("facts.timing")) {
            System.err.println("FACTS metrics ms " + (System.nanoTime() - start) / 1_000_000);
        }
        metrics.put("parity_max_abs_diff", diff);
        Map<String, String> meta = Training.header(FactLookupSpec.KIND, specName);
        meta.put("spec", Json.write(spec.values()));
        meta.put("trainer", VERSION);
        meta.put("metrics", Training.metrics(metrics));
        return new TrainedModel(WeightNames.FINAL, new SafeTensors(weights, meta).toBytes());
    }

    private static INDArray gaussian(java.util.Random random, long[] shape, double std) {
        float[] v = new float[(int) (shape[0] * shape[1])];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * std);
        }
        return Nd4j.create(v, shape, DataType.FLOAT);
    }
}
