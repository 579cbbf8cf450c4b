package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.data.InductionProbes;
import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.AttentionPatternsWidget;
import org.circuitbook.widgets.model.HeadScores;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The probe sequences of the induction and previous-token scores live in the widgets module ({@link InductionProbes}),
 * shared by the attention-only trainer and the attention-patterns widget: they are the sequences the trainer drew
 * before they moved there, and the widget's scores on the published weights are the recorded metrics.
 */
@DisplayName("Induction probes: one set of sequences for the trainer's metrics and the widget's scores")
class InductionProbesTest {
    /** The probes exactly as AttentionOnlyTrainer drew them before they moved to the widgets module. */
    private static int[][] asTheTrainerDrewThem(long languageSeed, int vocab, int nCtx) {
        Lcg probeRandom = new Lcg(languageSeed ^ 0x5eed_9b0bL);
        int[][] repeated = new int[64][];
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = SyntheticLanguage.repeatedRandom(probeRandom, vocab, nCtx / 2);
        }
        return repeated;
    }

    private static List<Path> bookSpecs() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "content", "models"))) {
            return files.filter(p -> p.getFileName().toString().startsWith("attn-only-")).sorted().toList();
        }
    }

    @Test
    @DisplayName("the shared probes are the sequences the trainer drew, for the book's specs and others")
    void sameSequences() throws IOException {
        List<Path> specs = bookSpecs();
        assertFalse(specs.isEmpty());
        for (Path file : specs) {
            Problems problems = new Problems("load");
            String name = file.getFileName().toString().replace(".yaml", "");
            ModelSpec parsed = ModelSpec.parse(name, file.toString(), Files.readString(file), problems);
            problems.throwIfAny();
            AttentionOnlySpec spec = (AttentionOnlySpec) parsed.settings();
            int[][] trainers = AttentionOnlyTrainer.probes(spec, new SyntheticLanguage(spec.language())).repeated();
            int[][] original = asTheTrainerDrewThem(spec.language().seed(), spec.language().vocab(), spec.nCtx());
            assertArrayEquals(original, trainers, name);
            assertArrayEquals(original, InductionProbes.sequences(spec.language().seed(), spec.language().vocab(),
                    spec.nCtx()), name);
        }
        for (long seed : new long[] {1, 7, -3}) {
            assertArrayEquals(asTheTrainerDrewThem(seed, 16, 16), InductionProbes.sequences(seed, 16, 16));
        }
        assertEquals(AttentionOnlyTrainer.PROBE_SEQUENCES, InductionProbes.COUNT);
    }

    /**
     * The published files of the built book ({@code -Dcircuitbook.book.site}; skipped otherwise): for every
     * attention-only model, final and checkpoints, the scores the attention-patterns widget computes from the
     * file alone (its header's language and config) equal the metrics the trainer recorded in that file.
     */
    @Test
    @DisplayName("on the built book's published weights the widget's probe scores are the recorded metrics (1e-6)")
    void widgetScoresAreTheRecordedMetrics() throws IOException {
        String site = System.getProperty("circuitbook.book.site", "");
        Assumptions.assumeFalse(site.isBlank(), "no -Dcircuitbook.book.site");
        Path models = Path.of(site).toAbsolutePath().resolve("models");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(models)) {
            walk.filter(p -> p.getParent().getFileName().toString().startsWith("attn-only-"))
                    .filter(p -> p.toString().endsWith(".safetensors")).sorted().forEach(files::add);
        }
        assertTrue(files.size() > 40, "the book's attention-only files: " + files);
        double worst = 0;
        int compared = 0;
        for (Path path : files) {
            SafeTensors file = SafeTensors.fromBytes(Files.readAllBytes(path));
            Map<?, ?> metrics = (Map<?, ?>) Json.parse(file.metadata().get("metrics"));
            HookedTransformer model = HookedTransformer.fromWeights(file);
            HeadScores.OnProbes scores = AttentionPatternsWidget.probeScores(file, model);
            String where = models.relativize(path).toString();
            worst = Math.max(worst, check(where, number(metrics, "repeated_first_half_loss"), scores.firstHalfLoss()));
            worst = Math.max(worst, check(where, number(metrics, "repeated_second_half_loss"), scores.repeatLoss()));
            for (String key : List.of("previous_token_scores", "induction_scores")) {
                double[][] shown = key.startsWith("previous") ? scores.previous() : scores.induction();
                List<?> recorded = (List<?>) metrics.get(key);
                assertEquals(recorded.size(), shown.length, where + " " + key);
                for (int l = 0; l < shown.length; l++) {
                    List<?> row = (List<?>) recorded.get(l);
                    assertEquals(row.size(), shown[l].length, where + " " + key);
                    for (int h = 0; h < shown[l].length; h++) {
                        worst = Math.max(worst, check(where + " " + key + " " + l + "." + h,
                                ((Number) row.get(h)).doubleValue(), shown[l][h]));
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 0);
        // in fact the same numbers bit for bit: the trainer's metrics and the widget's scores are one computation
        // (HeadScores.onProbes), and these files were trained before it moved to the widgets module
        assertEquals(0.0, worst, "largest difference over " + files.size() + " files");
    }

    private static double check(String where, double recorded, double shown) {
        double diff = Math.abs(recorded - shown);
        assertTrue(diff <= 1e-6, where + ": recorded " + recorded + ", the widget's " + shown);
        return diff;
    }

    private static double number(Map<?, ?> map, String key) {
        return ((Number) map.get(key)).doubleValue();
    }
}
