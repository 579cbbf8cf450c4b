package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.diagnostics.Problems;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every field of every model kind, given a value of the wrong type, out of range or at odds with another
 * field: each is reported once, at its place, and no spec is built from it (so nothing downstream ever sees
 * the bad value: the attention-only spec used to compute its cache key from a language it never made).
 */
@DisplayName("A model spec with a bad value")
class ModelSpecChecksTest {
    private static final String LIMIT = " (a limit for every model spec, so that training fits the trainer's memory"
            + " and time; see the README's \"Model spec limits\")";

    /** The diagnostics for {@code yaml}; asserts that no spec was built. */
    static List<String> errors(String yaml) {
        Problems problems = new Problems("load");
        ModelSpec spec = ModelSpec.parse("x", "x.yaml", yaml, problems);
        List<String> out = new java.util.ArrayList<>();
        try {
            problems.throwIfAny();
        } catch (org.circuitbook.generator.diagnostics.BuildException e) {
            e.diagnostics().stream().map(Diagnostic::toString).forEach(out::add);
        }
        assertNull(spec, "a spec with problems is not built");
        return out;
    }

    @Test
    @DisplayName("attention-only data: each invalid value is a diagnostic, never a crash in computing the cache key")
    void attentionOnlyData() {
        assertEquals(List.of("x.yaml:2:8: load: vocab must be at least 2, got 0"),
                errors("model: {kind: attention-only, n_layers: 2}\ndata: {vocab: 0}\n"));
        assertEquals(List.of("x.yaml:2:19: load: successors must be below vocab (10), got 12"
                        + " (each token prefers successors of the other tokens: at most vocab - 1 = 9)"),
                errors("model: {kind: attention-only, n_layers: 2}\ndata: {vocab: 10, successors: 12}\n"));
        assertEquals(List.of("x.yaml:2:24: load: segment_max (4) is below segment_min (8)"
                        + " (segments are between segment_min and segment_max tokens long)"),
                errors("model: {kind: attention-only, n_layers: 2}\ndata: {segment_min: 8, segment_max: 4}\n"));
        assertEquals(List.of("x.yaml:2:8: load: noise must be in [0, 1], got 2.5",
                        "x.yaml:2:20: load: repeat_probability must be in [0, 1], got -0.1"),
                errors("model: {kind: attention-only, n_layers: 2}\ndata: {noise: 2.5, repeat_probability: -0.1}\n"));
        assertEquals(List.of("x.yaml:2:8: load: segment_min (5) leaves no room for a repeat in n_ctx = 8"
                        + " (a segment and its copy must both fit: at most n_ctx / 2 = 4)",
                        "x.yaml:2:40: load: seed must be at most 2147483647, got 1E+40"),
                errors("model: {kind: attention-only, n_layers: 2, n_ctx: 8}\n"
                        + "data: {segment_min: 5, segment_max: 6, seed: 1e40}\ntrainer: {seed: -3}\n"));
    }

    @Test
    @DisplayName("whole numbers: a list, a mapping, nothing, text, true, .inf, a fraction, a huge or scientific value")
    void wholeNumbers() {
        assertEquals(List.of("x.yaml:1:44: load: n_heads must be at most 64, got 1000000000" + LIMIT),
                errors("model: {kind: attention-only, n_layers: 2, n_heads: 1e9}\n"));
        assertEquals(List.of(
                "x.yaml:1:87: load: expected a whole number for \"d_model\", found a list",
                "x.yaml:1:44: load: n_heads must be at most 64, got 3000000000" + LIMIT,
                "x.yaml:1:65: load: d_head must be a whole number, got 2.5",
                "x.yaml:1:100: load: expected a whole number for \"n_ctx\", found a mapping"),
                errors("model: {kind: attention-only, n_layers: 2, n_heads: 3000000000, d_head: 2.5, d_model: [64],"
                        + " n_ctx: {a: 1}}\n"));
        assertEquals(List.of(
                "x.yaml:1:52: load: expected a whole number for \"d_model\", got nothing (write a value after the colon)",
                "x.yaml:1:76: load: expected a whole number for \"d_head\", got \"sixteen\"",
                "x.yaml:1:62: load: expected a whole number for \"n_ctx\", got \"true\""),
                errors("model: {kind: attention-only, n_layers: 2, d_model: , n_ctx: true, d_head: \"sixteen\"}\n"));
    }

    @Test
    @DisplayName("attention-only trainer and verify: limits, NaN and infinity, learning rate x weight decay, checkpoints")
    void attentionOnlyTrainerAndVerify() {
        assertEquals(List.of(
                "x.yaml:1:31: load: n_layers must be at most 4, got 7" + LIMIT,
                "x.yaml:2:35: load: expected a whole number for \"steps\", got \".inf\"",
                "x.yaml:2:11: load: batch_size must be at most 65536, got 2000000000" + LIMIT,
                "x.yaml:2:56: load: expected a number for \"learning_rate\", got \".nan\"",
                "x.yaml:2:62: load: weight_decay cannot be negative, got -1",
                "x.yaml:2:80: load: checkpoints must be at most 1000, got 5000" + LIMIT),
                errors("model: {kind: attention-only, n_layers: 7}\n"
                        + "trainer: {batch_size: 2e9, steps: .inf, learning_rate: .nan, weight_decay: -1, checkpoints: 5000}\n"));
        assertEquals(List.of(
                "x.yaml:2:61: load: learning_rate x weight_decay must be below 1, got 0.5 x 4 (decoupled weight decay"
                        + " multiplies every weight by 1 - learning_rate x weight_decay each step; at 1 or more it wipes"
                        + " the weights out or flips their sign)",
                "x.yaml:2:23: load: checkpoints (101) cannot exceed steps (100)"
                        + " (checkpoints are taken at distinct steps, from step 0)"),
                errors("model: {kind: attention-only, n_layers: 2}\n"
                        + "trainer: {steps: 100, checkpoints: 101, learning_rate: 0.5, weight_decay: 4}\n"));
        assertEquals(List.of(
                "x.yaml:2:105: load: expected a number for \"bigram_top1_agreement_at_least\", got \"yes\"",
                "x.yaml:2:10: load: induction_score_at_least must be in [0, 1], got 1.5",
                "x.yaml:2:41: load: repeated_loss_ratio_at_most must be positive, got 0",
                "x.yaml:2:10: load: induction_score_at_least needs n_layers >= 2, the model has 1"),
                errors("model: {kind: attention-only, n_layers: 1}\nverify: {induction_score_at_least: 1.5,"
                        + " repeated_loss_ratio_at_most: 0, bigram_top1_agreement_at_least: yes}\n"));
    }

    @Test
    @DisplayName("modular-addition: p, widths, the train split, checkpoints, weight decay and expectations")
    void modularAddition() {
        assertEquals(List.of("x.yaml:1:33: load: p must be at least 3, got 2"
                        + " (the paper uses p = 113; p = 59 trains in about two minutes)"),
                errors("model: {kind: modular-addition, p: 2}\n"));
        assertEquals(List.of(
                "x.yaml:1:33: load: p must be at most 10000, got 20000" + LIMIT,
                "x.yaml:1:43: load: d_mlp must be a positive whole number, got 0",
                "x.yaml:2:8: load: train_fraction must be in (0, 1), got 1"),
                errors("model: {kind: modular-addition, p: 20000, d_mlp: 0}\ndata: {train_fraction: 1}\n"));
        assertEquals(List.of(
                "x.yaml:2:8: load: train_fraction 0.05 leaves the train split of the 9 pairs empty"
                        + " (train on between 1 and 8 pairs)",
                "x.yaml:3:38: load: learning_rate x weight_decay must be below 1, got 0.003 x 1000 (decoupled weight"
                        + " decay multiplies every weight by 1 - learning_rate x weight_decay each step; at 1 or more it"
                        + " wipes the weights out or flips their sign)",
                "x.yaml:3:11: load: checkpoints must be a positive whole number, got 0",
                "x.yaml:4:10: load: test_accuracy_at_least must be in [0, 1], got 2"),
                errors("model: {kind: modular-addition, p: 3}\ndata: {train_fraction: 0.05}\n"
                        + "trainer: {checkpoints: 0, steps: 10, weight_decay: 1000}\nverify: {test_accuracy_at_least: 2}\n"));
    }

    @Test
    @DisplayName("toy-superposition: required sizes, output, sparsities, restarts and the verify maps")
    void toySuperposition() {
        assertEquals(List.of(
                "x.yaml:1:1: load: missing required key \"n_features\" (e.g. n_features: 5)",
                "x.yaml:1:1: load: missing required key \"d_hidden\" (e.g. d_hidden: 2)",
                "x.yaml:1:1: load: missing required key \"sparsities\" in the data section"
                        + " (list the sparsities to train, like 'sparsities: [0, 0.7, 0.9]')"),
                errors("model: {kind: toy-superposition}\n"));
        assertEquals(List.of(
                "x.yaml:1:62: load: output must be relu or linear, got \"sigmoid\""
                        + " (relu: x' = ReLU(W^T W x + b); linear: x' = W^T W x + b)",
                "x.yaml:2:24: load: importance_decay must be in (0, 1], got 0",
                "x.yaml:2:8: load: sparsities lists no sparsity (list the sparsities to train, like 'sparsities: [0, 0.7, 0.9]')"),
                errors("model: {kind: toy-superposition, n_features: 5, d_hidden: 2, output: sigmoid}\n"
                        + "data: {sparsities: [], importance_decay: 0}\n"));
        assertEquals(List.of(
                "x.yaml:1:70: load: expected text for \"output\", found a list",
                "x.yaml:2:24: load: expected a number for \"sparsities\", got \"a\"",
                "x.yaml:3:10: load: regular_polygon needs d_hidden = 2, got 3"
                        + " (only two hidden dimensions draw the features as a polygon)"),
                errors("model: {kind: toy-superposition, n_features: 5, d_hidden: 3, output: [relu]}\n"
                        + "data: {sparsities: [0, a, 0.9]}\nverify: {regular_polygon: [0.9]}\n"));
        assertEquals(List.of(
                "x.yaml:2:8: load: sparsities are listed twice (list each sparsity once)",
                "x.yaml:3:27: load: batch_size must be a positive whole number, got 0",
                "x.yaml:3:11: load: restarts must be at most 100, got 1000" + LIMIT,
                "x.yaml:4:33: load: represented_features at sparsity 0 must be a whole number between 0 and 5"
                        + " (n_features), got 9",
                "x.yaml:4:47: load: represented_features keys are sparsities, got \"x\" (e.g. represented_features: {0.9: 2})",
                "x.yaml:4:58: load: expected a whole number for \"0.9\", got \"many\""),
                errors("model: {kind: toy-superposition, n_features: 5, d_hidden: 2}\n"
                        + "data: {sparsities: [0, 0.9, 0.90]}\ntrainer: {restarts: 1000, batch_size: 0}\n"
                        + "verify: {represented_features: {0: 9, 0.5: 2, x: 1, 0.9: many}}\n"));
    }

    @Test
    @DisplayName("sae-toy: the size lists, the data, the learning rate and every verify entry")
    void saeToy() {
        assertEquals(List.of(
                "x.yaml:1:1: load: missing required key \"d_sae\" (a list of dictionary sizes, e.g. d_sae: [32, 64, 128])",
                "x.yaml:1:1: load: missing required key \"l1_coefficients\""
                        + " (a list of L1 coefficients, e.g. l1_coefficients: [0.01, 0.1])",
                "x.yaml:1:1: load: missing required key \"n_features\" (e.g. n_features: 64)",
                "x.yaml:1:1: load: missing required key \"d_in\" (e.g. d_in: 16)"),
                errors("model: {kind: sae-toy}\n"));
        assertEquals(List.of(
                "x.yaml:1:24: load: dictionary sizes are whole numbers from 1 to 65536, got 8.5",
                "x.yaml:1:44: load: L1 coefficients cannot be negative, got -1",
                "x.yaml:2:8: load: n_features must be a positive whole number, got 0",
                "x.yaml:2:29: load: expected a whole number for \"d_in\", got \"x\"",
                "x.yaml:2:32: load: feature_probability must be in (0, 1], got 0"),
                errors("model: {kind: sae-toy, d_sae: [8, 8.5, 8], l1_coefficients: [-1]}\n"
                        + "data: {n_features: 0, d_in: x, feature_probability: 0}\n"));
        assertEquals(List.of(
                "x.yaml:1:24: load: d_sae lists a dictionary size twice (list each size once)",
                "x.yaml:1:39: load: l1_coefficients lists a coefficient twice (list each coefficient once)",
                "x.yaml:3:11: load: learning_rate must be in (0, 1], got -1"),
                errors("model: {kind: sae-toy, d_sae: [8, 8], l1_coefficients: [0.1, 0.1]}\n"
                        + "data: {n_features: 8, d_in: 4}\ntrainer: {learning_rate: -1}\n"));
        assertEquals(List.of(
                "x.yaml:4:6: load: verify names an SAE that is not trained (d_sae 16, l1 0.1) (trained: d_sae [8] x l1 [0.1])",
                "x.yaml:5:6: load: this verify entry expects nothing of the SAE"
                        + " (add mmcs_at_least, dead_fraction_at_most or reconstruction_error_at_most)",
                "x.yaml:6:37: load: mmcs_at_least must be in [0, 1], got 2",
                "x.yaml:6:55: load: dead_fraction_at_most must be in [0, 1], got -1",
                "x.yaml:7:5: load: missing required key \"d_sae\" (the dictionary size of a trained SAE)",
                "x.yaml:3:1: load: each verify entry is a mapping like {d_sae: 64, l1_coefficient: 0.01, mmcs_at_least: 0.9}"),
                errors("""
                        model: {kind: sae-toy, d_sae: [8], l1_coefficients: [0.1]}
                        data: {n_features: 8, d_in: 4}
                        verify:
                          - {d_sae: 16, l1_coefficient: 0.1, mmcs_at_least: 0.9}
                          - {d_sae: 8, l1_coefficient: 0.1}
                          - {d_sae: 8, l1_coefficient: 0.1, mmcs_at_least: 2, dead_fraction_at_most: -1}
                          - {l1_coefficient: 0.1, mmcs_at_least: 0.5}
                          - 5
                        """));
        assertEquals(List.of("x.yaml:1:24: load: d_sae x l1_coefficients makes 72 SAEs, more than the limit of 64"
                        + " (each (d_sae, l1) pair trains and publishes an SAE of its own)"),
                errors("model: {kind: sae-toy, d_sae: [1,2,3,4,5,6,7,8,9], l1_coefficients: [1,2,3,4,5,6,7,8]}\n"
                        + "data: {n_features: 8, d_in: 4}\n"));
    }

    @Test
    @DisplayName("sizes each within their limit but too large together fail with the memory they would need")
    void memory() {
        assertEquals(List.of("x.yaml:1:1: load: training this model needs about 725 GB of memory for its tensors, over"
                        + " the limit of 1.0 GB (make batch_size, n_ctx, vocab or d_model smaller)"),
                errors("model: {kind: attention-only, n_layers: 2, n_ctx: 2048, d_model: 1024}\ntrainer: {batch_size: 512}\n"));
        assertEquals(List.of("x.yaml:1:1: load: training this model needs about 29 GB of memory for its tensors, over"
                        + " the limit of 1.0 GB (make p, d_mlp or d_model smaller, or take fewer checkpoints)"),
                errors("model: {kind: modular-addition, p: 600}\n"));
        assertEquals(List.of("x.yaml:1:1: load: training this model needs about 1.3 TB of memory for its tensors, over"
                        + " the limit of 1.0 GB (make batch_size, n_features, restarts or the number of sparsities smaller)"),
                errors("model: {kind: toy-superposition, n_features: 4096, d_hidden: 2}\ndata: {sparsities: [0]}\n"
                        + "trainer: {batch_size: 65536, restarts: 100}\n"));
        assertEquals(List.of("x.yaml:1:1: load: training this model needs about 22 GB of memory for its tensors, over"
                        + " the limit of 1.0 GB (make batch_size, d_sae or n_features smaller)"),
                errors("model: {kind: sae-toy, d_sae: [65536], l1_coefficients: [0.1]}\ndata: {n_features: 65536, d_in: 8192}\n"));
        assertEquals(List.of("x.yaml:1:1: load: training this model needs about 475 MB of Java heap for its batches,"
                        + " snapshots and probes, over the limit of 384 MB (make p, d_mlp or d_model smaller, or take"
                        + " fewer checkpoints)"),
                errors("model: {kind: modular-addition, p: 120, d_model: 64, d_mlp: 128}\ntrainer: {checkpoints: 60}\n"));
    }

    @Test
    @DisplayName("the book's largest model and a 4-layer transformer of 1.6M parameters with 10 checkpoints fit")
    void bookModelsFit() {
        for (String yaml : List.of("model: {kind: modular-addition, p: 113}\n",
                "model: {kind: attention-only, n_layers: 4, d_model: 256, n_heads: 8, d_head: 32, n_ctx: 64}\n"
                        + "data: {vocab: 1000}\ntrainer: {batch_size: 32, checkpoints: 10}\n")) {
            Problems problems = new Problems("load");
            ModelSpec spec = ModelSpec.parse("x", "x.yaml", yaml, problems);
            problems.throwIfAny();
            assertNotNull(spec);
            Footprint f = spec.settings().footprint();
            assertEquals(null, f.excess(), yaml);
        }
    }
}
