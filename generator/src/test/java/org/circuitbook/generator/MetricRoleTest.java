package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code {metric}} role: numbers in the prose come from the trained models' recorded metrics. The expected
 * values are read independently from the published weights files, so the test holds for any training result.
 */
@DisplayName("A {metric} role")
class MetricRoleTest {
    private static final String SITE = "-- content/site.yaml --\ntitle: Metrics\n";
    private static final String MODELS = "-- content/models/toy.yaml --\n" + FixtureSite.TINY_SPEC + """
            -- content/models/heads.yaml --
            model: {kind: attention-only, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, n_ctx: 8}
            data: {vocab: 12, segment_min: 2, segment_max: 4}
            trainer: {steps: 20, batch_size: 8, checkpoints: 4}
            """;

    @TempDir
    static Path shared;
    static FixtureSite site;

    @BeforeAll
    static void build() {
        site = FixtureSite.write(shared, SITE + MODELS + """
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Loss {metric}`toy/sparsity-0.9/final_loss`, to 2 places {metric}`toy/sparsity-0.9/final_loss:.2`.
                Norms {metric}`toy/sparsity-0/feature_norms:.3`; represented {metric}`toy/sparsity-0/feature_norms|count>=0.5`
                of {metric}`toy/sparsity-0/feature_norms|len`; largest {metric}`toy/sparsity-0/feature_norms|max:.1`,
                feature {metric}`toy/sparsity-0/feature_norms|argmax`. Steps {metric}`toy/spec/steps`, sparsities {metric}`toy/spec/sparsities|len`: {metric}`toy/spec/sparsities`.
                Scores {metric}`heads/final/previous_token_scores/0|mean:.1%`. First step below the start:
                {metric}`heads/*/loss|first<LOSS0`; at or below the end {metric}`heads/*/loss|first<=LOSSEND`.
                """.replace("LOSS0", "1e9").replace("LOSSEND", "1e9"));
        site.build();
    }

    @Test
    @DisplayName("renders the recorded numbers in the requested format, with their source in a title")
    void rendersNumbers() throws IOException {
        Map<String, Object> sparse = metrics("toy", "sparsity-0.9");
        Map<String, Object> dense = metrics("toy", "sparsity-0");
        List<Double> norms = numbers(dense.get("feature_norms"));
        double loss = ((Number) sparse.get("final_loss")).doubleValue();
        List<String> normsText = new ArrayList<>();
        norms.forEach(n -> normsText.add(new java.math.BigDecimal(n).setScale(3, java.math.RoundingMode.HALF_EVEN).toPlainString()));
        double max = norms.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        List<Double> prev = numbers(((List<?>) metrics("heads", "final").get("previous_token_scores")).get(0));
        double mean = prev.stream().mapToDouble(Double::doubleValue).average().orElseThrow();

        assertEquals(List.of(
                        "Loss " + new java.math.BigDecimal(loss).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString()
                                + ", to 2 places " + String.format(java.util.Locale.ROOT, "%.2f", loss) + ".",
                        "Norms " + String.join(", ", normsText.subList(0, 4)) + " and " + normsText.get(4) + "; represented "
                                + norms.stream().filter(n -> n >= 0.5).count(),
                        "of 5; largest " + String.format(java.util.Locale.ROOT, "%.1f", max) + ",",
                        "feature " + norms.indexOf(max) + ". Steps 200, sparsities 2: 0 and 0.9.",
                        "Scores " + String.format(java.util.Locale.ROOT, "%.1f", mean * 100) + "%. First step below the start:",
                        "0; at or below the end 0."),
                shown(site.read("a.html")));
        assertEquals(true, site.read("a.html").contains("<span class=\"metric\" title=\"toy/sparsity-0/feature_norms|count&gt;=0.5, from the build&#39;s training metrics\">"));
    }

    @Test
    @DisplayName("with |first gives the step of the first checkpoint that passes, in order of step")
    void firstStep(@TempDir Path root) throws IOException {
        List<Double> losses = new ArrayList<>();
        List<Long> steps = new ArrayList<>();
        for (String file : List.of("checkpoint-0", "checkpoint-5", "checkpoint-10", "checkpoint-15", "final")) {
            Map<String, Object> m = metrics("heads", file);
            losses.add(((Number) m.get("loss")).doubleValue());
            steps.add(((Number) m.get("step")).longValue());
        }
        // a threshold between the best and the worst checkpoint, so the answer is not the first or absent
        double best = losses.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        int expected = losses.indexOf(best);
        double threshold = best + 1e-9;
        FixtureSite again = FixtureSite.copyOf(shared, root);
        Path chapter = again.root.resolve("content/chapters/01-a.md");
        Files.writeString(chapter, "---\ntitle: A\n---\nBest {metric}`heads/*/loss|first<=" + threshold + "`.\n");
        again.build();
        assertEquals(List.of("Best " + steps.get(expected) + "."), shown(again.read("a.html")));
    }

    @Test
    @DisplayName("that cannot be parsed, or names a model or file that does not exist, fails the check stage")
    void checkErrors(@TempDir Path root) {
        assertEquals(List.of(
                        "content/chapters/01-a.md:4:1: check: unknown model \"tyo\" in {metric} (did you mean \"toy\"?)",
                        "content/chapters/01-a.md:5:1: check: model toy has no file \"final\" (known: spec, *, sparsity-0, sparsity-0.9)",
                        "content/chapters/01-a.md:6:1: check: unknown metric format \":.2f\" (formats: .N for N decimals, .N% or % for a percentage)",
                        "content/chapters/01-a.md:7:1: check: unknown metric operation \"|median\" (known: max, min, argmax, argmin, sum, mean, len, count>=X, first>=X; also >, <=, <)",
                        "content/chapters/01-a.md:8:1: check: a metric over every file (*) must end with one |first (|first>=X gives the step of the first file whose value is at least X)",
                        "content/chapters/01-a.md:9:1: check: |first reads every file of the model (write heads/*/...)",
                        "content/chapters/01-a.md:10:1: check: metric \"toy/sparsity-0\" needs a model, a file and a path (write {metric}`MODEL/FILE/PATH`, e.g. {metric}`modular-addition-p59/final/test_accuracy:.1%`)"),
                FixtureSite.write(root, SITE + MODELS + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        {metric}`tyo/sparsity-0/final_loss`
                        {metric}`toy/final/final_loss`
                        {metric}`toy/sparsity-0/final_loss:.2f`
                        {metric}`toy/sparsity-0/feature_norms|median`
                        {metric}`heads/*/loss`
                        {metric}`heads/final/loss|first<1`
                        {metric}`toy/sparsity-0`
                        """).buildErrors());
    }

    @Test
    @DisplayName("whose path or operation does not fit the trained metrics fails after training, at the role")
    void renderErrors(@TempDir Path root) throws IOException {
        FixtureSite again = FixtureSite.copyOf(shared, root);
        Files.writeString(again.root.resolve("content/chapters/01-a.md"), """
                ---
                title: A
                ---
                {metric}`toy/sparsity-0/final_los`
                and {metric}`toy/sparsity-0/feature_norms/9`
                {metric}`toy/sparsity-0/final_loss|max`
                {metric}`toy/spec/stepz`
                {metric}`heads/*/loss|first<0`
                {metric}`toy/*/final_loss|first<1`
                """);
        assertEquals(List.of(
                        "content/chapters/01-a.md:4:1: render: no metric \"final_los\" in toy/sparsity-0 (known: final_loss, loss_curve, restart_losses, feature_norms, feature_dimensionality)",
                        "content/chapters/01-a.md:5:5: render: no element 9 in toy/sparsity-0/feature_norms (a list: indices 0 to 4)",
                        "content/chapters/01-a.md:6:1: render: |max needs a list of numbers, but toy/sparsity-0/final_loss|max reaches a number (drop the operation, or point the path at a list)",
                        "content/chapters/01-a.md:7:1: render: model toy has no spec value \"stepz\" (known: "
                                + String.join(", ", specKeys("toy")) + ")",
                        "content/chapters/01-a.md:8:1: render: no checkpoint of heads has loss < 0 (the last step is 20)",
                        "content/chapters/01-a.md:9:1: render: no file of toy has a step and final_loss (|first reads the checkpoints of a model that records them)"),
                again.buildErrors());
    }

    /** The prose lines of the chapter's first paragraph with each metric span replaced by its text. */
    private static List<String> shown(String html) {
        Matcher p = Pattern.compile("(?s)<p>(.*?)</p>").matcher(html.substring(html.indexOf("<main")));
        List<String> lines = new ArrayList<>();
        while (p.find() && lines.isEmpty()) {
            String text = p.group(1).replaceAll("<span class=\"metric\" title=\"[^\"]*\">([^<]*)</span>", "$1");
            if (text.contains("<")) {
                continue;
            }
            lines.addAll(List.of(text.strip().split("\n")));
        }
        return lines;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metrics(String model, String file) throws IOException {
        SafeTensors st = SafeTensors.fromBytes(Files.readAllBytes(site.weights(model, file + ".safetensors")));
        return (Map<String, Object>) Json.parse(st.metadata().get("metrics"));
    }

    private static List<String> specKeys(String model) {
        return List.of("n_features", "d_hidden", "output", "importance_decay", "sparsities", "steps", "batch_size",
                "learning_rate", "seed", "restarts");
    }

    private static List<Double> numbers(Object list) {
        return ((List<?>) list).stream().map(o -> ((Number) o).doubleValue()).toList();
    }
}
