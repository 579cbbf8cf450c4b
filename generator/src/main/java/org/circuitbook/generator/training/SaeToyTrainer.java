package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SparseFeatures;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains sparse autoencoders on toy activations with ND4J SameDiff (Sharkey et al. 2022).
 *
 * <p>Data: {@code n_features} ground-truth directions, random unit vectors in {@code d_in} dimensions;
 * each sample activates each feature with probability p, with a coefficient uniform in [0, 1], and sums
 * them: the features are in superposition whenever n_features > d_in. Loss: squared reconstruction error
 * plus lambda times the L1 norm of the latents weighted by their decoder norms (Anthropic's 2024
 * update to Bricken et al. 2023, which removes the need to renormalise W_dec). Adam.
 *
 * <p>The data ({@link SparseFeatures}) is drawn with {@link Lcg}, which the browser runs identically, so the
 * sae-explorer widget regenerates each SAE's evaluation batch. Metrics per SAE: MMCS to the true features,
 * normalised reconstruction error, L0, and the fraction of dead latents (never active on the 4,096 inputs of
 * that evaluation batch). The widgets' pure-Java forward pass is compared
 * with ND4J's on a fixed batch: above 1e-5 the build fails.
 */
final class SaeToyTrainer {
    static final String VERSION = "sae-toy/3"; // 2: the ground truth's spec metadata is JSON; 3: ND4J's oneDNN build
    static final String GROUND_TRUTH = "ground-truth.safetensors";
    static final float PARITY_TOLERANCE = 1e-5f;

    private SaeToyTrainer() {
    }

    static String fileName(int dSae, double l1) {
        return "sae-d" + dSae + "-l1-" + SaeToySpec.label(l1) + ".safetensors";
    }

    static List<TrainedModel> train(String specName, SaeToySpec spec) {
        return Training.quietly(() -> {
            Tensor features = groundTruth(spec);
            List<TrainedModel> out = new ArrayList<>();
            Map<String, String> meta = Training.header(SaeToySpec.KIND, specName);
            meta.put("spec", Json.write(spec.values())); // structured, for the widget (SparseFeatures.Settings.fromJson)
            out.add(new TrainedModel(GROUND_TRUTH, new SafeTensors(Map.of("features", features), meta).toBytes()));
            SparseFeatures.Settings settings = spec.settings();
            for (int size : spec.dSae()) {
                for (double l1 : spec.l1Coefficients()) {
                    out.add(trainOne(specName, spec, features, size, l1, settings, settings.index(size, l1)));
                }
            }
            return out;
        });
    }

    /** Ground-truth features: [n_features, d_in], each row a random unit vector. */
    static Tensor groundTruth(SaeToySpec spec) {
        Random random = new Random(spec.seed() ^ 0xFEA7L);
        float[] f = new float[spec.nFeatures() * spec.dIn()];
        for (int i = 0; i < spec.nFeatures(); i++) {
            double norm = 0;
            for (int k = 0; k < spec.dIn(); k++) {
                double v = random.nextGaussian();
                f[i * spec.dIn() + k] = (float) v;
                norm += v * v;
            }
            for (int k = 0; k < spec.dIn(); k++) {
                f[i * spec.dIn() + k] /= (float) Math.sqrt(norm);
            }
        }
        return Tensor.of(f, spec.nFeatures(), spec.dIn());
    }

    /** A batch of activations ({@link SparseFeatures}): [size, d_in] = coefficients [size, n_features] x features. */
    static INDArray batch(Lcg random, int size, SaeToySpec spec, Tensor features) {
        Tensor x = SparseFeatures.inputs(SparseFeatures.coefficients(random, size, spec.nFeatures(),
                spec.featureProbability()), features);
        return Training.array(x.data(), size, spec.dIn());
    }

    private static TrainedModel trainOne(String specName, SaeToySpec spec, Tensor features, int dSae, double l1,
                                         SparseFeatures.Settings settings, int index) {
        int dIn = spec.dIn();
        long seed = settings.saeSeed(index);
        SaeGraph graph = new SaeGraph(dIn, dSae, l1, spec.learningRate(), seed);
        Lcg data = new Lcg(seed + 1);
        graph.fit(spec.steps(), () -> batch(data, spec.batchSize(), spec, features));

        SparseAutoencoder sae = graph.sae();
        // the batch the sae-explorer widget regenerates in the browser
        Tensor evalX = SparseFeatures.inputs(settings.evaluationCoefficients(index), features);
        INDArray eval = Nd4j.create(evalX.data(), new long[] {SparseFeatures.EVALUATION_BATCH, dIn}, DataType.FLOAT);
        Map<String, Object> metrics = metrics(sae, features, evalX);
        metrics.put("final_loss", graph.loss(eval));

        Map<String, String> meta = Training.header(SaeToySpec.KIND, specName);
        meta.put("d_in", Integer.toString(dIn));
        meta.put("d_sae", Integer.toString(dSae));
        meta.put("l1_coefficient", SaeToySpec.label(l1));
        meta.put("trainer", VERSION);
        meta.put("metrics", Training.metrics(metrics));
        byte[] bytes = new SafeTensors(sae.tensors(), meta).toBytes();

        // parity: the published weights, run by the widgets' code, against ND4J on the same batch
        INDArray parityBatch = batch(new Lcg(seed + 7), 64, spec, features);
        Tensor expected = export(graph.output(parityBatch), 64, dIn);
        Tensor actual = SparseAutoencoder.fromWeights(SafeTensors.fromBytes(bytes)).forward(export(parityBatch, 64, dIn));
        float diff = Ops.maxAbsDiff(expected, actual);
        Training.requireParity(fileName(dSae, l1), "forward pass differs from ND4J's", diff, PARITY_TOLERANCE,
                String.valueOf(PARITY_TOLERANCE));
        return new TrainedModel(fileName(dSae, l1), bytes);
    }

    /** MMCS, normalised reconstruction error, L0 and dead fraction on an evaluation batch. */
    static Map<String, Object> metrics(SparseAutoencoder sae, Tensor features, Tensor x) {
        SparseAutoencoder.Evaluation e = sae.evaluate(x);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mmcs", sae.mmcs(features));
        m.put("normalised_reconstruction_error", e.normalisedReconstructionError());
        m.put("l0", e.l0());
        m.put("dead_fraction", e.deadFraction());
        return m;
    }

    static List<String> verify(SaeToySpec spec, List<TrainedModel> models) {
        List<String> failures = new ArrayList<>();
        for (SaeToySpec.Expectation e : spec.checks()) {
            String name = fileName(e.dSae(), e.l1());
            TrainedModel model = models.stream().filter(m -> m.fileName().equals(name)).findFirst().orElse(null);
            if (model == null) {
                continue;
            }
            Map<?, ?> metrics = (Map<?, ?>) Json.parse(SafeTensors.fromBytes(model.bytes()).metadata().get("metrics"));
            double mmcs = ((Number) metrics.get("mmcs")).doubleValue();
            double dead = ((Number) metrics.get("dead_fraction")).doubleValue();
            if (!Double.isNaN(e.mmcsAtLeast()) && mmcs < e.mmcsAtLeast()) {
                failures.add(name + ": MMCS " + String.format(java.util.Locale.ROOT, "%.3f", mmcs)
                        + " is below the expected " + e.mmcsAtLeast());
            }
            if (!Double.isNaN(e.deadFractionAtMost()) && dead > e.deadFractionAtMost()) {
                failures.add(name + ": " + String.format(java.util.Locale.ROOT, "%.2f", dead)
                        + " of latents are dead, more than the expected " + e.deadFractionAtMost());
            }
            double error = ((Number) metrics.get("normalised_reconstruction_error")).doubleValue();
            if (!Double.isNaN(e.reconstructionErrorAtMost()) && !(error <= e.reconstructionErrorAtMost())) {
                failures.add(name + ": normalised reconstruction error " + String.format(java.util.Locale.ROOT, "%.3f", error)
                        + " is above the expected " + e.reconstructionErrorAtMost());
            }
        }
        return failures;
    }

    private static Tensor export(INDArray array, int... shape) {
        return Training.export(array, shape);
    }
}
