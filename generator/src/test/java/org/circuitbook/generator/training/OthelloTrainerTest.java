package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.model.OthelloModel;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The Othello world model at a test-sized budget: shapes, learning, probes, the intervention, verify. */
@DisplayName("Othello world model")
class OthelloTrainerTest {
    static final String SPEC = "model: {kind: othello, n_layers: 2, d_model: 32, n_heads: 2, d_head: 16, d_mlp: 128}\n"
            + "data: {train_games: 1000, test_games: 200, seed: 3}\n"
            + "trainer: {steps: 200, batch_size: 64, learning_rate: 0.003, intervention_stage: 1, sae_latents: 64,"
            + " sae_steps: 300}\n"
            + "verify: {legal_move_accuracy_at_least: 0.8, probe_accuracy_at_least: {relative: 0.6},"
            + " intervention_error_ratio_at_most: 1.2}\n";
    static OthelloSpec spec;
    static List<TrainedModel> trained;
    static Map<?, ?> metrics;
    static SafeTensors file;

    @BeforeAll
    static void train() {
        Problems problems = new Problems("load");
        ModelSpec parsed = ModelSpec.parse("oth", "oth.yaml", SPEC, problems);
        problems.throwIfAny();
        spec = (OthelloSpec) parsed.settings();
        trained = spec.train(parsed);
        file = SafeTensors.fromBytes(trained.get(0).bytes());
        metrics = (Map<?, ?>) Json.parse(file.metadata().get("metrics"));
    }

    private static double number(Object v) {
        return ((Number) v).doubleValue();
    }

    @Test
    @DisplayName("the model's file: the transformer with MLPs, probes [d_model, 48] + [48] per stage and labelling, steering"
            + " and SAE directions [16, d_model]; then one SAE file per stage")
    void shapes() {
        assertEquals(List.of("final.safetensors", "sae-resid-0.safetensors", "sae-resid-1.safetensors",
                "sae-resid-2.safetensors"), trained.stream().map(TrainedModel::fileName).toList());
        assertEquals(spec.fileNames(), trained.stream().map(TrainedModel::fileName).toList());
        assertArrayEquals(new int[] {12, 32}, file.tensor("embed.W_E").shape());
        assertArrayEquals(new int[] {32, 128}, file.tensor("blocks.1.mlp.W_in").shape());
        for (int s = 0; s <= 2; s++) {
            for (String l : List.of("colour", "relative")) {
                assertArrayEquals(new int[] {32, 48}, file.tensor(OthelloModel.probeName(l, s, "W")).shape());
                assertArrayEquals(new int[] {48}, file.tensor(OthelloModel.probeName(l, s, "b")).shape());
            }
            assertArrayEquals(new int[] {16, 32}, file.tensor(OthelloModel.steerName(s)).shape());
            assertArrayEquals(new int[] {16, 32}, file.tensor(OthelloModel.saeName(s)).shape());
        }
    }

    @Test
    @DisplayName("SAE directions: per stage an SAE that reconstructs the stream sparsely; per square a live latent whose"
            + " direction has the recorded cosine to the mean difference")
    void saeDirections() {
        List<?> stages = (List<?>) metrics.get("sae");
        assertEquals(3, stages.size());
        OthelloModel world = OthelloModel.load(file);
        for (int s = 0; s < 3; s++) {
            Map<?, ?> m = (Map<?, ?>) stages.get(s);
            double error = number(m.get("normalised_reconstruction_error"));
            double l0 = number(m.get("l0"));
            assertTrue(error > 0 && error < 0.5, s + ": " + m);
            assertTrue(l0 > 0 && l0 < 32, s + ": " + m); // sparse: fewer than half the 64 latents on
            List<?> latent = (List<?>) m.get("latent");
            List<?> cosine = (List<?>) m.get("cosine");
            assertEquals(16, latent.size());
            for (int sq = 0; sq < 16; sq++) {
                long j = ((Number) latent.get(sq)).longValue();
                assertTrue(j >= 0 && j < 64, m.toString());
                float[] dir = world.direction("sae", s, sq);
                float[] md = world.direction("mine_minus_theirs", s, sq);
                double dot = 0, a = 0, b = 0;
                for (int k = 0; k < dir.length; k++) {
                    dot += dir[k] * md[k];
                    a += dir[k] * dir[k];
                    b += md[k] * md[k];
                }
                assertEquals(number(cosine.get(sq)), dot / Math.sqrt(a * b), 1e-4, s + "/" + sq);
            }
        }
        Map<?, ?> steering = (Map<?, ?>) metrics.get("sae_steering");
        assertEquals(number(steering.get("errors_after")) / number(steering.get("errors_before")),
                number(steering.get("error_ratio")), 1e-12);
    }

    @Test
    @DisplayName("each stage's published SAE reads the stream itself (its scale folded in): on the test games' stream it"
            + " reconstructs with the recorded error and L0; its file names its hook")
    void publishedSaes() {
        List<?> stages = (List<?>) metrics.get("sae");
        OthelloModel world = OthelloModel.load(file);
        Othello othello = new Othello(spec.board());
        int[][] test = OthelloTrainer.games(spec)[1];
        for (int s = 0; s < 3; s++) {
            SafeTensors saeFile = SafeTensors.fromBytes(trained.get(1 + s).bytes());
            assertEquals(OthelloModel.stageHook(s), saeFile.metadata().get("hook_name"));
            assertEquals(List.of("W_dec", "W_enc", "b_dec", "b_enc"), List.copyOf(saeFile.tensors().keySet()));
            SparseAutoencoder sae = SparseAutoencoder.fromWeights(saeFile);
            assertEquals(32, sae.dIn());
            assertEquals(64, sae.dSae());
            float[][] rows = OthelloTrainer.rows(othello, world.transformer(), test, s).x();
            float[] flat = new float[rows.length * 32];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * 32, 32);
            }
            SparseAutoencoder.Evaluation e = sae.evaluate(Tensor.of(flat, rows.length, 32));
            Map<?, ?> m = (Map<?, ?>) stages.get(s);
            // the same SAE on the scaled stream, up to float32 rounding of the fold
            assertEquals(number(m.get("normalised_reconstruction_error")), e.normalisedReconstructionError(), 1e-4, s + ": " + m);
            assertEquals(number(m.get("l0")), e.l0(), 0.01, s + ": " + m);
            assertEquals(m, Json.parse(saeFile.metadata().get("metrics")));
            assertTrue(number(m.get("activation_scale")) > 0, m.toString());
        }
    }

    @Test
    @DisplayName("the loss falls towards the target's entropy and the top move is mostly legal")
    void learns() {
        List<?> losses = (List<?>) metrics.get("loss_per_step");
        assertEquals(200, losses.size());
        assertTrue(number(losses.get(losses.size() - 1)) < 0.7 * number(losses.get(0)), losses.toString());
        double loss = number(metrics.get("test_loss"));
        double optimum = number(metrics.get("test_loss_optimum"));
        assertTrue(loss >= optimum - 1e-9 && loss < optimum + 0.5, loss + " vs " + optimum);
        assertTrue(number(metrics.get("legal_move_accuracy")) > 0.8, metrics.get("legal_move_accuracy").toString());
        assertTrue(number(metrics.get("legal_move_mass")) > 0.6);
    }

    @Test
    @DisplayName("probes beat each square's majority class after the first block; accuracies are arrays over the 3 stages")
    void probes() {
        for (String l : List.of("colour", "relative")) {
            List<?> acc = (List<?>) ((Map<?, ?>) metrics.get("probe_accuracy")).get(l);
            List<?> occ = (List<?>) ((Map<?, ?>) metrics.get("probe_accuracy_occupied")).get(l);
            double base = number(((Map<?, ?>) metrics.get("probe_accuracy_baseline")).get(l));
            assertEquals(3, acc.size());
            assertEquals(3, occ.size());
            assertTrue(number(acc.get(2)) > base, l + " " + acc + " vs baseline " + base);
        }
    }

    @Test
    @DisplayName("the probe edit moves the predicted legal set towards the edited board's (fewer errors after than before)")
    void intervention() {
        Map<?, ?> i = (Map<?, ?>) metrics.get("intervention");
        assertEquals(number(i.get("errors_after")) / number(i.get("errors_before")), number(i.get("error_ratio")), 1e-12);
        // this small model's stage-1 probe is weak (the book's spec reaches a ratio below 0.95, checked by its verify);
        // what must hold here: the edit moves the prediction away from the original board's legal set and, relative to
        // it, towards the edited board's
        assertTrue(number(i.get("errors_original_after")) > number(i.get("errors_original_before")), i.toString());
        assertTrue(number(i.get("errors_after")) - number(i.get("errors_original_after"))
                < number(i.get("errors_before")) - number(i.get("errors_original_before")) - 0.1, i.toString());
        assertTrue(number(((Map<?, ?>) metrics.get("steering")).get("error_ratio")) < 1.2);
        // the edit itself: at the stage, the edited square reads its new class
        OthelloModel world = OthelloModel.load(file);
        Othello o = world.game();
        List<OthelloTrainer.Case> cases = OthelloTrainer.cases(o, OthelloTrainer.games(spec)[1]);
        assertEquals(OthelloTrainer.INTERVENTIONS, cases.size());
        OthelloTrainer.Case c = cases.get(0);
        float[] plain = world.legalLogits(c.prefix())[c.prefix().length - 1];
        float[] edited = world.edit(c.prefix(), 1, c.square(), c.newClass());
        boolean changed = false;
        for (int k = 0; k < plain.length; k++) {
            changed |= plain[k] != edited[k];
        }
        assertTrue(changed);
    }

    @Test
    @DisplayName("verify: the spec's expectations hold; a stricter one fails with a sentence")
    void verify() {
        assertEquals(List.of(), spec.verify(trained));
        Problems problems = new Problems("load");
        ModelSpec strict = ModelSpec.parse("oth", "oth.yaml", SPEC.replace("legal_move_accuracy_at_least: 0.8",
                "legal_move_accuracy_at_least: 1.0").replace("intervention_error_ratio_at_most: 1.2",
                "intervention_error_ratio_at_most: 0.01"), problems);
        problems.throwIfAny();
        List<String> failures = strict.settings().verify(trained);
        assertEquals(2, failures.size(), failures.toString());
        assertTrue(failures.get(0).contains("legal"));
    }

    @Test
    @DisplayName("the in-page ProbeTrainer, fed the training games in steps, reaches the build probe's accuracy (within 0.005)")
    void probeTrainer() {
        OthelloModel world = OthelloModel.load(file);
        int[][][] games = OthelloTrainer.games(spec);
        org.circuitbook.widgets.model.ProbeTrainer trainer =
                new org.circuitbook.widgets.model.ProbeTrainer(world, "relative", 2, games[0], games[1]);
        int steps = 0;
        while (!trainer.step(100)) {
            steps++;
        }
        assertEquals(9, steps);
        double build = number(((List<?>) ((Map<?, ?>) metrics.get("probe_accuracy")).get("relative")).get(2));
        assertEquals(build, trainer.accuracy(), 0.005);
    }

    @Test
    @DisplayName("least-squares probe: recovers an exactly linear labelling")
    void fitProbe() {
        float[][] x = new float[60][2];
        int[][] labels = new int[60][1];
        for (int i = 0; i < 60; i++) {
            x[i][0] = i % 3 == 0 ? 1 : 0;
            x[i][1] = i % 3 == 1 ? 1 : 0;
            labels[i][0] = i % 3 == 0 ? 1 : i % 3 == 1 ? 2 : 0;
        }
        Tensor[] wb = OthelloModel.fitProbe(x, labels, 1);
        for (int i = 0; i < 3; i++) {
            assertEquals(labels[i][0], OthelloModel.readout(wb[0], wb[1], x[i], 1)[0]);
        }
    }
}
