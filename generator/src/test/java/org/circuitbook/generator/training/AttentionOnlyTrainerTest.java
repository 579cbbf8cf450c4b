package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.Composition;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitAttribution;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The attention-only transformers at test-sized budgets: a small two-layer model on a 16-token language
 * whose sequences repeat a random "name", trained until its induction circuit forms, and a zero-layer model
 * trained twice to show it learns the bigram table and is bit-reproducible.
 */
@DisplayName("Attention-only transformers")
class AttentionOnlyTrainerTest {
    static final String LANGUAGE = "data: {vocab: 16, successors: 3, repeat_probability: 1.0, segment_min: 4, segment_max: 8, seed: 1}\n";
    static final String TWO_LAYERS = "model: {kind: attention-only, n_layers: 2, d_model: 32, n_heads: 2, d_head: 16, n_ctx: 16}\n"
            + LANGUAGE + "trainer: {steps: 1200, batch_size: 32, learning_rate: 0.01, checkpoints: 4}\n"
            + "verify: {repeated_loss_ratio_at_most: 0.5, previous_token_score_at_least: 0.4, induction_score_at_least: 0.5}\n";
    static final String ZERO_LAYERS = "model: {kind: attention-only, n_layers: 0, d_model: 32, n_ctx: 16}\n" + LANGUAGE
            + "trainer: {steps: 300, batch_size: 32, learning_rate: 0.01}\nverify: {bigram_top1_agreement_at_least: 0.9}\n";
    static AttentionOnlySpec spec;
    static List<TrainedModel> trained;
    static Map<?, ?> metrics;

    @BeforeAll
    static void train() {
        ModelSpec parsed = parse(TWO_LAYERS);
        spec = (AttentionOnlySpec) parsed.settings();
        trained = spec.train(parsed);
        metrics = metrics(trained.get(0));
    }

    static ModelSpec parse(String yaml) {
        Problems problems = new Problems("load");
        ModelSpec parsed = ModelSpec.parse("ao", "ao.yaml", yaml, problems);
        problems.throwIfAny();
        return parsed;
    }

    static Map<?, ?> metrics(TrainedModel model) {
        return (Map<?, ?>) Json.parse(SafeTensors.fromBytes(model.bytes()).metadata().get("metrics"));
    }

    static double number(Object map, String key) {
        return ((Number) ((Map<?, ?>) map).get(key)).doubleValue();
    }

    static double cell(Map<?, ?> map, String key, int layer, int head) {
        return ((Number) ((List<?>) ((List<?>) map.get(key)).get(layer)).get(head)).doubleValue();
    }

    @Test
    @DisplayName("publishes final.safetensors, then a checkpoint per evenly spaced step, in TransformerLens names and shapes")
    void files() {
        assertEquals(List.of("final.safetensors", "checkpoint-0.safetensors", "checkpoint-300.safetensors",
                "checkpoint-600.safetensors", "checkpoint-900.safetensors"), trained.stream().map(TrainedModel::fileName).toList());
        assertEquals(spec.fileNames(), trained.stream().map(TrainedModel::fileName).toList());
        SafeTensors file = SafeTensors.fromBytes(trained.get(0).bytes());
        assertEquals(List.of(2, 16, 32), List.of(file.tensor("blocks.1.attn.W_Q").shape()[0],
                file.tensor("embed.W_E").shape()[0], file.tensor("embed.W_E").shape()[1]));
        assertArrayEquals(new int[] {2, 16, 32}, file.tensor("blocks.0.attn.W_O").shape());
        assertArrayEquals(new int[] {32, 16}, file.tensor("unembed.W_U").shape());
        assertTrue(file.tensors().keySet().stream().noneMatch(k -> k.contains("mlp")), "attn_only: no MLP tensors");
        TransformerConfig cfg = TransformerConfig.fromJson(file.metadata().get("config"));
        assertEquals(new TransformerConfig(2, 32, 16, 2, 0, 16, 16, 16, null, true, null, "standard"), cfg);
        Map<?, ?> language = (Map<?, ?>) Json.parse(file.metadata().get("language"));
        assertEquals(16, ((Number) language.get("vocab")).intValue());
        assertEquals("ba", ((List<?>) language.get("token_names")).get(0));
        assertEquals("0", file.metadata().get("seed"));
        assertEquals("1200", file.metadata().get("step"));
        assertEquals(4, ((List<?>) metrics.get("checkpoints")).size());
        List<?> perStep = (List<?>) metrics.get("loss_per_step");
        assertEquals(1200, perStep.size());
        assertTrue(((Number) perStep.get(0)).doubleValue() > ((Number) perStep.get(1199)).doubleValue() + 0.5,
                "the training loss falls: " + perStep.get(0) + " -> " + perStep.get(1199));
    }

    @Test
    @DisplayName("forms an induction circuit: the repeat's loss falls below half the first half's, with a previous-token and an induction head")
    void induction() {
        double first = number(metrics, "repeated_first_half_loss");
        double second = number(metrics, "repeated_second_half_loss");
        assertTrue(second < 0.5 * first, "repeat " + second + " vs first half " + first);
        double previous = Math.max(cell(metrics, "previous_token_scores", 0, 0), cell(metrics, "previous_token_scores", 0, 1));
        double induction = Math.max(cell(metrics, "induction_scores", 1, 0), cell(metrics, "induction_scores", 1, 1));
        assertTrue(previous > 0.4, "layer-0 previous-token score " + previous);
        assertTrue(induction > 0.5, "layer-1 induction score " + induction);
        Map<?, ?> start = (Map<?, ?>) ((List<?>) metrics.get("checkpoints")).get(0);
        assertTrue(number(start, "repeated_second_half_loss") > 0.9 * number(start, "repeated_first_half_loss"),
                "at step 0 the repeat is no easier: " + start);
        assertEquals(List.of(), spec.verify(trained));
        assertEquals(3, spec.expectations());
    }

    @Test
    @DisplayName("its metrics are what the widgets' HookedTransformer measures on the published weights")
    void metricsReproduce() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        SyntheticLanguage language = new SyntheticLanguage(spec.language());
        AttentionOnlyTrainer.Probes probes = AttentionOnlyTrainer.probes(spec, language);
        double[] direct = AttentionOnlyTrainer.directPathAsBigrams(model, language);
        assertEquals(number(metrics, "bigram_top1_agreement"), direct[0]);
        assertEquals(number(metrics, "bigram_kl"), direct[1]);
        double[] copying = AttentionOnlyTrainer.copyingFractions(model);
        assertEquals(number(metrics, "layer0_copying_fraction"), copying[2]);
        assertEquals(16, probes.repeated()[0].length);
        assertEquals(17, probes.eval()[0].length);
        assertEquals(metrics.get("repeated_loss_by_period"), AttentionOnlyTrainer.lossByPeriod(model, spec));
    }

    @Test
    @DisplayName("records each head's OV copying score and, between layer 0 and layer 1, K-composition and the composition scores")
    void composition() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        double[][] copying = Composition.copyingScores(model);
        List<?> recorded = (List<?>) metrics.get("ov_copying_scores");
        assertEquals(2, recorded.size());
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                assertEquals(copying[l][h], cell(metrics, "ov_copying_scores", l, h), "head " + l + "." + h);
            }
        }
        List<?> diagonal = (List<?>) metrics.get("k_composition_diagonal_fraction");
        assertEquals(2, diagonal.size());
        for (String kind : List.of("k", "q", "v")) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    assertEquals(Composition.diagonalFraction(Composition.table(model, kind, a, b)),
                            cell(metrics, kind + "_composition_diagonal_fraction", a, b), kind + " 0." + a + " -> 1." + b);
                }
            }
        }
        Map<?, ?> scores = (Map<?, ?>) metrics.get("composition_scores");
        assertEquals(List.of("q", "k", "v"), List.copyOf(scores.keySet()));
        for (String kind : List.of("q", "k", "v")) {
            double[][] want = Composition.scores(model, kind);
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    assertEquals(want[a][b], cell(scores, kind, a, b), kind + " 0." + a + " -> 1." + b);
                }
            }
        }
        assertEquals(Composition.baseline(32, 16), number(metrics, "composition_baseline"));
        // the circuit this fixture forms: the layer-0 head with the best previous-token score and the layer-1 head with
        // the best induction score K-compose, so that most query tokens score highest the key after themselves
        int previous = cell(metrics, "previous_token_scores", 0, 0) > cell(metrics, "previous_token_scores", 0, 1) ? 0 : 1;
        int induction = cell(metrics, "induction_scores", 1, 0) > cell(metrics, "induction_scores", 1, 1) ? 0 : 1;
        assertTrue(cell(metrics, "k_composition_diagonal_fraction", previous, induction) >= 0.75,
                "K-composition of 0." + previous + " and 1." + induction + ": " + diagonal);
        // and the induction head copies what it attends to
        assertTrue(cell(metrics, "ov_copying_scores", 1, induction) > 0.5, "copying: " + recorded);
    }

    @Test
    @DisplayName("copy_suppression_head holds when the head's copying score is negative and fails, with its number, when not")
    void copySuppression() {
        int copier = cell(metrics, "induction_scores", 1, 0) > cell(metrics, "induction_scores", 1, 1) ? 0 : 1;
        AttentionOnlySpec wrong = (AttentionOnlySpec) parse(TWO_LAYERS.replace("induction_score_at_least: 0.5}",
                "induction_score_at_least: 0.5, copy_suppression_head: \"1." + copier + "\"}")).settings();
        assertEquals(4, wrong.expectations());
        List<String> failures = wrong.verify(trained);
        assertEquals(1, failures.size(), failures.toString());
        assertTrue(failures.get(0).matches("final\\.safetensors: head 1\\." + copier + "'s OV copying score is 0\\.\\d{3}, "
                + "not negative: it does not suppress the token it attends to"), failures.get(0));
        // a head whose score is negative passes: the lowest one, where there is one
        double lowest = Double.POSITIVE_INFINITY;
        String head = null;
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                if (cell(metrics, "ov_copying_scores", l, h) < lowest) {
                    lowest = cell(metrics, "ov_copying_scores", l, h);
                    head = l + "." + h;
                }
            }
        }
        AttentionOnlySpec right = (AttentionOnlySpec) parse(TWO_LAYERS.replace("induction_score_at_least: 0.5}",
                "induction_score_at_least: 0.5, copy_suppression_head: " + head + "}")).settings();
        assertEquals(lowest < 0 ? List.of() : 1, lowest < 0 ? right.verify(trained) : right.verify(trained).size(),
                "head " + head + " scores " + lowest);
        assertEquals(List.of("ao.yaml:4:10: load: copy_suppression_head must name a head as LAYER.HEAD, got \"x\" "
                        + "(e.g. \"1.0\": head 0 of layer 1)"),
                errors(TWO_LAYERS.replace("verify: {", "verify: {copy_suppression_head: x, ")));
        assertEquals(List.of("ao.yaml:4:10: load: the model has no head 2.0 (layers 0 to 1, heads 0 to 1)"),
                errors(TWO_LAYERS.replace("verify: {", "verify: {copy_suppression_head: \"2.0\", ")));
    }

    @Test
    @DisplayName("measures the loss on repeats at several periods: n_ctx / 2 and the others below n_ctx, keyed by period")
    void lossByPeriod() {
        Map<?, ?> byPeriod = (Map<?, ?>) metrics.get("repeated_loss_by_period");
        assertEquals(List.of("8", "10", "12"), List.copyOf(byPeriod.keySet())); // n_ctx 16: 8 is also n_ctx / 2
        // the induction circuit finds the earlier copy at the probe's own period on fresh sequences too
        assertTrue(number(byPeriod, "8") < 0.5 * number(metrics, "repeated_first_half_loss"), "period 8: " + byPeriod);
        for (Object v : byPeriod.values()) {
            double loss = ((Number) v).doubleValue();
            assertTrue(loss > 0 && loss < Math.log(16) + 3, "a mean loss in nats: " + byPeriod);
        }
    }

    @Test
    @DisplayName("records each head's direct logit attribution on the probes' repeat; the induction head's is the largest, and the terms add up on trained weights")
    void inductionDla() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        int[][] repeated = AttentionOnlyTrainer.probes(spec, new SyntheticLanguage(spec.language())).repeated();
        assertEquals(Map.of("induction_dla", metrics.get("induction_dla"), "induction_logit_diff",
                metrics.get("induction_logit_diff")), AttentionOnlyTrainer.inductionDla(model, repeated));
        int inductionHead = cell(metrics, "induction_scores", 1, 0) > cell(metrics, "induction_scores", 1, 1) ? 0 : 1;
        double best = cell(metrics, "induction_dla", 1, inductionHead);
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                assertTrue(l == 1 && h == inductionHead || cell(metrics, "induction_dla", l, h) < best,
                        "head 1." + inductionHead + " (the best induction score) writes the answer most: " + metrics.get("induction_dla"));
            }
        }
        assertTrue(best > 1 && number(metrics, "induction_logit_diff") > best,
                "the answer beats the mean logit: " + metrics.get("induction_logit_diff"));
        // the decomposition's identity on trained weights: the terms add up to the model's logit difference
        for (int[] seq : Arrays.copyOf(repeated, 8)) {
            int[] answers = LogitAttribution.nextTokens(seq);
            int[] wrongs = new int[seq.length];
            for (int p = 0; p < seq.length; p++) {
                wrongs[p] = answers[p] < 0 ? 0 : LogitAttribution.bigramGuess(model, seq[p], answers[p]);
            }
            LogitAttribution.Decomposition d = LogitAttribution.decompose(model, seq, answers, wrongs);
            for (int p = 0; p < seq.length; p++) {
                double scale = Math.abs(d.logitDiff()[p]);
                for (double v : d.values()[p]) {
                    scale = Math.max(scale, Math.abs(v));
                }
                assertTrue(!d.has(p) || Math.abs(d.sum(p) - d.logitDiff()[p]) <= 1e-4 * scale, "position " + p);
            }
        }
    }

    @Test
    @DisplayName("records the logit lens on the probes' repeat: the embedding alone rarely names the next token, the last layer mostly does")
    void inductionLens() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        int[][] repeated = AttentionOnlyTrainer.probes(spec, new SyntheticLanguage(spec.language())).repeated();
        assertEquals(Map.of("induction_lens_top1", metrics.get("induction_lens_top1"), "induction_lens_probability",
                metrics.get("induction_lens_probability")), AttentionOnlyTrainer.inductionLens(model, repeated));
        List<?> top1 = (List<?>) metrics.get("induction_lens_top1");
        List<?> probability = (List<?>) metrics.get("induction_lens_probability");
        assertEquals(3, top1.size(), "the embedding, after layer 0, after layer 1");
        assertEquals(3, probability.size());
        double embed = ((Number) top1.get(0)).doubleValue();
        double last = ((Number) top1.get(2)).doubleValue();
        // the last stage is the model's own output: its top-1 share is the model's accuracy on the repeat, which the
        // induction circuit makes high; the embedding holds only the current token, whose next token is random here
        assertTrue(embed < 0.3 && last > 0.5 && last > embed, "top-1 share by stage: " + top1);
        for (Object p : probability) {
            assertTrue(((Number) p).doubleValue() > 0 && ((Number) p).doubleValue() < 1, "a mean probability: " + probability);
        }
    }

    @Test
    @DisplayName("records path patching through K, attribution patching's agreement and the three ablations on the patching widget's task")
    void patching() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        assertEquals(AttentionOnlyTrainer.PATCHING_PROMPTS, ((Number) metrics.get("patching_prompts")).intValue());
        assertEquals(Map.of("patching_prompts", metrics.get("patching_prompts"), "path_patching_k", metrics.get("path_patching_k"), "attribution_correlation",
                metrics.get("attribution_correlation"), "ablation_head_effects", metrics.get("ablation_head_effects")),
                AttentionOnlyTrainer.patching(model));
        for (int sender = 0; sender < 2; sender++) {
            double[] want = ActivationPatching.kComposition(model, sender, AttentionOnlyTrainer.PATCHING_PROMPTS,
                    AttentionOnlyTrainer.PATCHING_SEED);
            for (int r = 0; r < 2; r++) {
                assertEquals(want[r], cell(metrics, "path_patching_k", sender, r), "0." + sender + " -> 1." + r);
            }
        }
        Map<?, ?> correlation = (Map<?, ?>) metrics.get("attribution_correlation");
        assertEquals(List.of("resid", "attn", "heads"), List.copyOf(correlation.keySet()));
        for (Object c : correlation.values()) {
            assertTrue(((Number) c).doubleValue() >= -1 && ((Number) c).doubleValue() <= 1, "a correlation: " + correlation);
        }
        // in an attention-only model without LayerNorm a head's output reaches the logits linearly: attribution patching
        // is close to exact on the heads view
        assertTrue(((Number) correlation.get("heads")).doubleValue() > 0.9, "heads: " + correlation);
        Map<?, ?> ablations = (Map<?, ?>) metrics.get("ablation_head_effects");
        assertEquals(List.of("zero", "mean", "resample"), List.copyOf(ablations.keySet()));
        // ablating the induction head costs the clean run more of its answer than ablating the other layer-1 head
        int induction = cell(metrics, "induction_scores", 1, 0) > cell(metrics, "induction_scores", 1, 1) ? 0 : 1;
        assertTrue(cell(ablations, "mean", 1, induction) > cell(ablations, "mean", 1, 1 - induction),
                "mean ablation: " + ablations.get("mean"));
    }

    @Test
    @DisplayName("the parity check passes on the model's own logits and fails the build on a mismatch")
    void parity() {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(trained.get(0).bytes()));
        int[][] sequences = AttentionOnlyTrainer.probes(spec, new SyntheticLanguage(spec.language())).eval();
        int[][] two = Arrays.copyOf(sequences, 2);
        float[] logits = new float[2 * 16 * 16];
        for (int s = 0; s < 2; s++) {
            Tensor out = model.forward(Arrays.copyOf(two[s], 16));
            System.arraycopy(out.data(), 0, logits, s * 256, 256);
        }
        assertEquals(0.0, AttentionOnlyTrainer.parity("final.safetensors", trained.get(0).bytes(), two, logits, 16));
        logits[300] += 0.001f;
        var failure = assertThrows(TrainingFailure.class,
                () -> AttentionOnlyTrainer.parity("final.safetensors", trained.get(0).bytes(), two, logits, 16));
        assertTrue(failure.getMessage().startsWith("parity check failed for final.safetensors: the widgets' "
                + "HookedTransformer differs from ND4J's logits by 9.99"), failure.getMessage());
    }

    @Test
    @DisplayName("a zero-layer model learns the bigram table into W_E W_U, bit-identically on a second run")
    void zeroLayerBigrams() {
        ModelSpec parsed = parse(ZERO_LAYERS);
        List<TrainedModel> once = parsed.settings().train(parsed);
        List<TrainedModel> twice = parsed.settings().train(parsed);
        assertEquals(List.of("final.safetensors"), once.stream().map(TrainedModel::fileName).toList());
        assertArrayEquals(once.get(0).bytes(), twice.get(0).bytes());
        Map<?, ?> m = metrics(once.get(0));
        assertTrue(number(m, "bigram_top1_agreement") >= 0.9, m.toString());
        assertEquals(List.of(), parsed.settings().verify(once));
        assertEquals(List.of(), m.get("induction_scores"));
    }

    @Test
    @DisplayName("a verify expectation the model misses is reported with its numbers")
    void verifyFailure() {
        AttentionOnlySpec strict = (AttentionOnlySpec) parse(TWO_LAYERS.replace(
                "verify: {repeated_loss_ratio_at_most: 0.5, previous_token_score_at_least: 0.4, induction_score_at_least: 0.5}",
                "verify: {repeated_loss_ratio_at_most: 0.001, induction_score_at_least: 1.0}")).settings();
        List<String> failures = strict.verify(trained);
        assertEquals(2, failures.size(), failures.toString());
        assertTrue(failures.get(0).matches("final\\.safetensors: the best induction score after layer 0 is 0\\.\\d{3}, "
                + "below the expected 1\\.0"), failures.get(0));
        assertTrue(failures.get(1).matches("final\\.safetensors: on repeated random tokens the loss in the repeat "
                + "\\(\\d\\.\\d{3}\\) is 0\\.\\d{3} of the first half's \\(\\d\\.\\d{3}\\), above the expected 0\\.001"),
                failures.get(1));
    }

    static List<String> errors(String yaml) {
        Problems problems = new Problems("load");
        ModelSpec.parse("ao", "ao.yaml", yaml, problems);
        var e = assertThrows(BuildException.class, problems::throwIfAny);
        return e.diagnostics().stream().map(Diagnostic::toString).toList();
    }

    @Test
    @DisplayName("reports a missing n_layers, an unknown key and a check the model cannot have, with their places")
    void specErrors() {
        assertEquals(List.of("ao.yaml:1:1: load: missing required key \"n_layers\" (0 (a bigram model), 1 (skip-trigrams) or 2 (induction heads))"),
                errors("model: {kind: attention-only}\n"));
        assertEquals(List.of(
                "ao.yaml:5:3: load: unknown key \"vocabulary\" in the data section (known keys: noise, repeat_probability, "
                        + "seed, segment_max, segment_min, successors, vocab)",
                "ao.yaml:7:3: load: induction_score_at_least needs n_layers >= 2, the model has 1"),
                errors("""
                        model:
                          kind: attention-only
                          n_layers: 1
                        data:
                          vocabulary: 10
                        verify:
                          induction_score_at_least: 0.5
                        """));
    }

    @Test
    @DisplayName("defaults: d_model 64, 4 heads of 16, n_ctx 32, a 48-token language, 1,500 Adam steps of 64 sequences")
    void defaults() {
        AttentionOnlySpec d = (AttentionOnlySpec) parse("model: {kind: attention-only, n_layers: 2}\n").settings();
        assertEquals(List.of(64, 4, 16, 32, 48, 1500, 64, 0), List.of(d.dModel(), d.nHeads(), d.dHead(), d.nCtx(),
                d.language().vocab(), d.steps(), d.batchSize(), d.checkpoints()));
        assertEquals(0, d.expectations());
    }
}
