package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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

@DisplayName("Building the one-widget fixture site")
class BuildFixtureSiteTest {
    static final Path FIXTURE = Path.of("src/test/resources/sites/one-widget");
    static FixtureSite site;

    @BeforeAll
    static void build(@TempDir Path work) {
        site = FixtureSite.copyOf(FIXTURE, work);
        site.build();
    }

    @Test
    @DisplayName("writes exactly the pages, assets and weights of the book")
    void fileList() {
        List<String> fonts = site.siteFiles().stream().filter(f -> f.startsWith("assets/katex/fonts/")).toList();
        assertEquals(20, fonts.size(), "KaTeX's woff2 fonts are served from the site itself: " + fonts);
        assertEquals(List.of(".circuitbook-site", "404.html", "assets/boot.js", "assets/figures/superposition.HASH.svg",
                "assets/figures/superposition.HASH.svg", "assets/highlight.css", "assets/katex/katex.min.css",
                "assets/search.js", "assets/site.js", "assets/style.css", "assets/theme.js", "assets/widgets.js", "favicon.svg",
                "index.html", "models/toy/index.json", "models/toy/sparsity-0.9.HASH.safetensors",
                "models/toy/sparsity-0.HASH.safetensors", "search-index.json", "second.html", "toy.html"), site.siteFiles().stream().filter(f -> !fonts.contains(f))
                .map(f -> f.replaceAll("\\.[0-9a-f]{12}\\.safetensors$", ".HASH.safetensors")
                        .replaceAll("\\.[0-9a-f]{12}\\.svg$", ".HASH.svg")).sorted().toList()); // sorted after
                // the hashes are masked, so that a retrained model (new hashes) cannot reorder the list
    }

    @Test
    @DisplayName("renders the chapter, its table and its widget figure exactly as expected (content hashes aside)")
    void chapterPage() {
        // the hashes depend on the trained weights' last bits; weightsAreContentHashed checks them
        Golden.assertMatches(FIXTURE.resolve("expected/toy.html"), site.read("toy.html")
                .replaceAll("\\.[0-9a-f]{12}\\.safetensors", ".HASH.safetensors")
                .replaceAll("sha256-[A-Za-z0-9+/]{43}=", "sha256-SUM")
                .replaceAll("SHA-256 <code>[0-9a-f]{16}\u2026</code>", "SHA-256 <code>SUM\u2026</code>")
                .replaceAll("assets/figures/superposition\\.[0-9a-f]{12}\\.svg", "assets/figures/superposition.HASH.svg"));
    }

    @Test
    @DisplayName("publishes the figure's static drawings, wide and narrow, as SVG files named by their content's hash")
    void staticDrawings() throws Exception {
        Matcher img = Pattern.compile("<img class=\"widget-drawing (widget-wide-drawing|widget-narrow-drawing)\" src=\""
                + "(assets/figures/superposition\\.([0-9a-f]{12})\\.svg)\"").matcher(site.read("toy.html"));
        List<String> shown = new java.util.ArrayList<>();
        while (img.find()) {
            byte[] bytes = Files.readAllBytes(site.site().resolve(img.group(2)));
            assertEquals(img.group(3), java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 12), img.group(2));
            String arrangement = img.group(1).replace("widget-", "").replace("-drawing", "");
            // the drawing itself, exactly (its numbers come from the trained weights, as the page's did)
            Golden.assertMatches(FIXTURE.resolve("expected/figure-" + arrangement + ".svg"),
                    new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            shown.add(arrangement);
        }
        assertEquals(List.of("wide", "narrow"), shown);
    }

    @Test
    @DisplayName("publishes each weights file under its content hash, listed in index.json and in the figure with its SHA-256")
    void weightsAreContentHashed() throws Exception {
        String page = site.read("toy.html");
        Map<?, ?> index = (Map<?, ?>) Json.parse(site.read("models/toy/index.json"));
        List<?> files = (List<?>) index.get("files");
        assertEquals(List.of("sparsity-0.safetensors", "sparsity-0.9.safetensors"),
                files.stream().map(f -> ((Map<?, ?>) f).get("name")).toList());
        List<String> urls = new java.util.ArrayList<>();
        List<String> sums = new java.util.ArrayList<>();
        for (Object o : files) {
            Map<?, ?> f = (Map<?, ?>) o;
            byte[] bytes = Files.readAllBytes(site.site().resolve("models/toy/" + f.get("url")));
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
            String hex = java.util.HexFormat.of().formatHex(digest);
            assertEquals(hex, f.get("sha256"));
            assertEquals((long) bytes.length, f.get("bytes"));
            String name = (String) f.get("name");
            assertEquals(name.replace(".safetensors", "." + hex.substring(0, 12) + ".safetensors"), f.get("url"));
            urls.add("models/toy/" + f.get("url"));
            sums.add("sha256-" + java.util.Base64.getEncoder().encodeToString(digest));
        }
        assertTrue(page.contains("data-weights=\"" + String.join(" ", urls) + "\" data-integrity=\""
                + String.join(" ", sums) + "\""), "the figure lists the files and their SHA-256 in the same order");
    }

    @Test
    @DisplayName("renders the landing page with the chapters in file order")
    void landingPage() {
        Golden.assertMatches(FIXTURE.resolve("expected/index.html"), site.read("index.html"));
    }

    @Test
    @DisplayName("pages without widgets do not load the widgets bundle")
    void noBundleWithoutWidgets() {
        assertTrue(!site.read("second.html").contains("widgets.js"));
        assertTrue(site.read("toy.html").contains("<script src=\"assets/boot.js\" data-bundle=\"assets/widgets.js\"></script>"));
        assertTrue(!site.read("second.html").contains("boot.js"));
    }

    @Test
    @DisplayName("published weights carry the spec and the training metrics in __metadata__")
    void weightsMetadata() throws Exception {
        SafeTensors file = SafeTensors.fromBytes(Files.readAllBytes(site.weights("toy", "sparsity-0.9.safetensors")));
        Map<String, String> meta = file.metadata();
        assertEquals("toy-superposition", meta.get("model_kind"));
        assertEquals("toy", meta.get("spec_name"));
        assertEquals("0.9", meta.get("sparsity"));
        Map<?, ?> spec = (Map<?, ?>) Json.parse(meta.get("spec"));
        assertEquals(200L, spec.get("steps"));
        assertEquals(64L, spec.get("batch_size"));
        Map<?, ?> metrics = (Map<?, ?>) Json.parse(meta.get("metrics"));
        List<?> curve = (List<?>) metrics.get("loss_curve");
        assertEquals(21, curve.size(), "the initial loss and 20 points during training");
        double first = ((Number) ((List<?>) curve.get(0)).get(1)).doubleValue();
        double last = ((Number) metrics.get("final_loss")).doubleValue();
        assertTrue(last < first, "training lowered the loss: " + first + " -> " + last);
        assertEquals(List.of(2, 5), List.of(file.tensor("W").shape()[0], file.tensor("W").shape()[1]));
    }

    @Test
    @DisplayName("the widgets bundle is the one TeaVM compiled, with its main entry point")
    void bundle() {
        String js = site.read("assets/widgets.js");
        assertTrue(js.length() > 10_000, "bundle has " + js.length() + " characters");
        assertTrue(js.contains("main"), "bundle exports main");
    }

    @Test
    @DisplayName("each stage logs one timed line, in execution order")
    void stageLog() {
        List<String> stages = site.log.stream().filter(l -> !l.startsWith(" ")).map(l -> l.split(" ")[0]).toList();
        assertEquals(List.of("load", "check", "train", "render", "write"), stages);
        assertTrue(site.log.stream().anyMatch(l -> l.matches("  train toy \\[missing\\] 2 models, .* \\(trained, parity checked\\)")),
                String.join("\n", site.log));
    }
}
