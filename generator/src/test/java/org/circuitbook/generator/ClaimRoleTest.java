package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitbook.generator.markdown.MetricQuery;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code {claim}} role: words of the prose bound to conditions on the trained models' metrics. The conditions
 * are written from the fixture model's own recorded metrics (read from its published weights), so each test holds
 * for any training result, and a retrained model that no longer shows the outcome fails at the role.
 */
@DisplayName("A {claim} role")
class ClaimRoleTest {
    private static final String SITE = "-- content/site.yaml --\ntitle: Claims\n-- content/models/toy.yaml --\n"
            + FixtureSite.TINY_SPEC;

    @TempDir
    static Path shared;
    static FixtureSite site;

    @BeforeAll
    static void build() {
        site = FixtureSite.write(shared, SITE + "-- content/chapters/01-a.md --\n---\ntitle: A\n---\nNo claims yet.\n");
        site.build();
    }

    @Test
    @DisplayName("that holds shows its words, with what was checked in a title; one that a retrained model breaks fails the build at the role")
    void holdsThenBreaks(@TempDir Path root) throws IOException {
        double dense = metric("sparsity-0", "final_loss");
        double sparse = metric("sparsity-0.9", "final_loss");
        long represented = norms("sparsity-0").stream().filter(n -> n >= 0.5).count();
        String bound = MetricQuery.Format.number(sparse * 1.001);
        FixtureSite again = FixtureSite.copyOf(shared, root);
        Path chapter = again.root.resolve("content/chapters/01-a.md");
        Files.writeString(chapter, "---\ntitle: A\n---\nThe sparse model has a loss {claim}`"
                + (sparse < dense ? "lower" : "higher") + " <toy/sparsity-0.9/final_loss " + (sparse < dense ? "<" : ">")
                + " toy/sparsity-0/final_loss>` than the dense one,\nit {claim}`has learned <toy/sparsity-0.9/final_loss <= "
                + bound + ">`, and when dense it keeps {claim}`" + represented + " features <toy/sparsity-0/feature_norms|count>=0.5 == "
                + represented + "; toy/sparsity-0/feature_norms|len == 5>`,\n{claim}`far below <toy/sparsity-0.9/final_loss < 0.9 * toy/sparsity-0.9/loss_curve/0/1>` where it began.\n");
        again.build();
        String html = again.read("a.html");
        String p = html.substring(html.indexOf("<p>The sparse"), html.indexOf("</p>", html.indexOf("<p>The sparse")));
        assertEquals("The sparse model has a loss " + (sparse < dense ? "lower" : "higher") + " than the dense one,\nit has learned, "
                + "and when dense it keeps " + represented + " features,\nfar below where it began.", p.substring(3).replaceAll("<[^>]*>", ""));
        assertTrue(p.contains("<span class=\"claim\" title=\"Checked against the trained model by the build: "
                + "toy/sparsity-0/feature_norms|count&gt;=0.5 = " + represented + " (== " + represented + "); "
                + "toy/sparsity-0/feature_norms|len = 5 (== 5)\">" + represented + " features</span>"), p);
        assertTrue(p.matches("(?s).*<span class=\"claim\" title=\"Checked against the trained model by the build: toy/sparsity-0\\.9/"
                + "final_loss = [0-9.e-]+, toy/sparsity-0\\.9/loss_curve/0/1 = [0-9.e-]+ \\(&lt; 0\\.9 \\* toy/sparsity-0\\.9/loss_curve/0/1\\)\">"
                + "far below</span>.*"), p);

        // retrain with a budget too small to learn: the claim on the loss no longer holds, and the build says where
        Files.writeString(again.root.resolve("content/models/toy.yaml"), FixtureSite.TINY_SPEC.replace("steps: 200", "steps: 1"));
        List<String> errors = again.buildErrors();
        // the loss claim breaks for sure; the count may break too (it does here), at its own position
        assertTrue(errors.stream().allMatch(e -> e.matches("content/chapters/01-a\\.md:[56]:[0-9]+: render: claim .*")), errors.toString());
        Matcher m = Pattern.compile("content/chapters/01-a\\.md:5:4: render: claim \"has learned\" does not hold for the trained "
                + "model: toy/sparsity-0\\.9/final_loss = ([0-9.eE-]+), but the claim needs toy/sparsity-0\\.9/final_loss <= "
                + Pattern.quote(bound) + " \\(the model changed: reword the prose and its claim, or fix the model's spec\\)")
                .matcher(errors.get(0));
        assertTrue(m.matches(), errors.get(0));
        assertTrue(Double.parseDouble(m.group(1)) > Double.parseDouble(bound), errors.get(0));
        assertEquals(html, again.read("a.html"), "the failed build left the last good site as it was");
    }

    @Test
    @DisplayName("that cannot be parsed, or names a model or file that does not exist, fails the check stage")
    void checkErrors(@TempDir Path root) {
        assertEquals(List.of(
                        "content/chapters/01-a.md:4:1: check: a claim needs the words it stands for and a condition in <...> "
                                + "(write {claim}`WORDS <MODEL/FILE/PATH|ops CMP VALUE>`, e.g. {claim}`four features "
                                + "<superposition-5x2/sparsity-0.7/feature_norms|count>=0.5 == 4>`)",
                        "content/chapters/01-a.md:5:1: check: claim condition \"toy/sparsity-0/final_loss\" has no comparison "
                                + "(write METRIC CMP VALUE with CMP one of == != >= <= > <, spaced, e.g. "
                                + "superposition-5x2/sparsity-0.7/feature_norms|count>=0.5 == 4)",
                        "content/chapters/01-a.md:6:1: check: a claim compares values; \"toy/sparsity-0/final_loss:.2\" has a format "
                                + "(drop the :format; the words of the claim are what the page shows)",
                        "content/chapters/01-a.md:7:1: check: unknown model \"tyo\" in {claim} (did you mean \"toy\"?)",
                        "content/chapters/01-a.md:8:1: check: model toy has no file \"final\" (known: spec, *, sparsity-0, sparsity-0.9)"),
                FixtureSite.write(root, SITE + """
                        -- content/chapters/01-a.md --
                        ---
                        title: A
                        ---
                        {claim}`toy/sparsity-0/final_loss < 1`
                        {claim}`small <toy/sparsity-0/final_loss>`
                        {claim}`small <toy/sparsity-0/final_loss:.2 < 1>`
                        {claim}`small <tyo/sparsity-0/final_loss < 1>`
                        {claim}`small <toy/sparsity-0/final_loss < toy/final/final_loss>`
                        """).buildErrors());
    }

    @Test
    @DisplayName("whose metric is missing or is not one number fails after training, at the role")
    void renderErrors(@TempDir Path root) throws IOException {
        FixtureSite again = FixtureSite.copyOf(shared, root);
        Files.writeString(again.root.resolve("content/chapters/01-a.md"), """
                ---
                title: A
                ---
                {claim}`small <toy/sparsity-0/final_los < 1>`
                and {claim}`all <toy/sparsity-0/feature_norms > 0>`
                """);
        assertEquals(List.of(
                        "content/chapters/01-a.md:4:1: render: no metric \"final_los\" in toy/sparsity-0 (known: final_loss, "
                                + "loss_curve, restart_losses, feature_norms, feature_dimensionality)",
                        "content/chapters/01-a.md:5:5: render: {claim} compares numbers, but toy/sparsity-0/feature_norms is a list of 5 "
                                + "(reduce it to one number, e.g. |max, |len or |count>=X)"),
                again.buildErrors());
    }

    private static double metric(String file, String key) throws IOException {
        return ((Number) metrics(file).get(key)).doubleValue();
    }

    private static List<Double> norms(String file) throws IOException {
        return ((List<?>) metrics(file).get("feature_norms")).stream().map(o -> ((Number) o).doubleValue()).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metrics(String file) throws IOException {
        SafeTensors st = SafeTensors.fromBytes(Files.readAllBytes(site.weights("toy", file + ".safetensors")));
        return (Map<String, Object>) Json.parse(st.metadata().get("metrics"));
    }
}
