package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitbook.generator.imported.TransformerLensFile;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.figures.AttentionPatternsWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitAttribution;
import org.circuitbook.widgets.model.LogitLens;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.LogitLensView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Widgets on a model trained elsewhere (kind {@code imported}): {@link TransformerLensFile#standard()}, a 2-layer
 * LayerNorm gelu model whose file names its 10 tokens "a" to "j" and says nothing of the book's synthetic language. The
 * logit lens draws it at build time with the vocab's names and the tokens {@link LogitLens} finds, and mounts on it in
 * headless Chromium: prompts typed in the vocab's words, the keys, no button for the language it was not trained on.
 * The attention patterns draw and mount on it too: without the book's probes (the file names no language) and without
 * checkpoints (one stop, the imported weights).
 */
@DisplayName("Widgets on an imported model in headless Chromium")
class ImportedWidgetsBrowserTest {
    static final List<String> VOCAB = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");

    /** The chapters and the spec importing {@link TransformerLensFile#standard()} ({@link #write} adds the file). */
    static final String SITE = """
            -- content/chapters/09-imported-lens.md --
            ---
            title: Imported lens
            ---
            # Imported lens

            :::{widget} logit-lens
            :model: imported
            :label: fig-imported-lens
            The logit lens on a model trained elsewhere.
            :::
            -- content/chapters/10-imported-attention.md --
            ---
            title: Imported attention
            ---
            # Imported attention

            :::{widget} attention-patterns
            :model: imported
            :label: fig-imported-attention
            Attention patterns of a model trained elsewhere.
            :::
            -- content/models/imported.yaml --
            model:
              kind: imported
              file: weights/tl.safetensors
              sha256: %s
              format: transformer-lens
            """;

    static FixtureSite site;
    static DevServer server;
    static ChromeDriver driver;

    /** {@link #SITE} and the file it imports, written under {@code root}. */
    static FixtureSite write(Path root) throws java.io.IOException {
        byte[] bytes = TransformerLensFile.standard();
        Files.createDirectories(root.resolve("content/weights"));
        Files.write(root.resolve("content/weights/tl.safetensors"), bytes);
        return FixtureSite.write(root, SITE.formatted(TransformerLensFile.sha256(bytes)));
    }

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        FixtureSite.write(work, "-- content/site.yaml --\ntitle: Imported\n");
        site = write(work);
        site.build();
        server = DevServer.start(site.site(), 0);
        driver = WidgetBrowserTest.chromium(work);
    }

    @AfterAll
    static void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    private static HookedTransformer model() throws Exception {
        return HookedTransformer.fromWeights(SafeTensors.fromBytes(Files.readAllBytes(site.weights("imported", "final.safetensors"))));
    }

    private static String[] names() {
        return VOCAB.toArray(new String[0]);
    }

    /** The texts of an SVG, in drawing order, before and after its first {@code <image>} (the grid's cells). */
    private static List<List<String>> texts(String svg) {
        int cells = svg.indexOf("<image");
        assertTrue(cells > 0, "the grid's cells are drawn");
        List<List<String>> out = new ArrayList<>();
        for (String part : new String[] {svg.substring(0, cells), svg.substring(cells)}) {
            List<String> texts = new ArrayList<>();
            Matcher m = Pattern.compile("<text [^>]*>([^<]*)</text>").matcher(part);
            while (m.find()) {
                texts.add(m.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"));
            }
            out.add(texts);
        }
        return out;
    }

    @Test
    @DisplayName("logit-lens, static: the build draws the vocab's names, and each cell's token is the one LogitLens finds")
    void lensStatic() throws Exception {
        assertTrue(site.log.stream().anyMatch(l -> l.startsWith("  train imported ")), String.join("\n", site.log));
        String html = site.read("imported-lens.html");
        String svg = WidgetBrowserTest.staticDrawings(site.site(), html).stream()
                .filter(s -> s.contains("widget-wide-drawing")).findFirst().orElseThrow(() -> new AssertionError("the wide static drawing"));
        HookedTransformer model = model();
        int[] prompt = LogitLensView.defaultPrompt(model);
        LogitLens direct = LogitLens.of(model, prompt, LogitAttribution.nextTokens(prompt));
        assertEquals(4, direct.positions(), "n_ctx 6: 3 random tokens and the first again");
        assertEquals(List.of("embed", "layer 0 attn", "layer 0 MLP", "layer 1 attn", "layer 1 MLP"),
                java.util.stream.IntStream.range(0, direct.stages()).mapToObj(direct::stage).toList());
        List<List<String>> texts = texts(svg);
        // before the cells: the title, its line, "token", "next", each position's token and next token, the stages
        List<String> head = texts.get(0);
        List<String> row = new ArrayList<>();
        for (int i = 0; i < prompt.length; i++) {
            row.add(VOCAB.get(prompt[i]));
            row.add(VOCAB.get(direct.correct(i))); // the next token; at the last, the repeat's next
        }
        assertEquals(row, head.subList(4, 4 + 2 * prompt.length), "the prompt and the next tokens, by the vocab's names");
        // the cells' labels, stage by stage: LogitLens's own top tokens
        List<String> tops = new ArrayList<>();
        for (int s = 0; s < direct.stages(); s++) {
            for (int i = 0; i < direct.positions(); i++) {
                tops.add(VOCAB.get(direct.top(s, i, 1)[0]));
            }
        }
        assertEquals(tops, texts.get(1).subList(0, tops.size()), "each cell's token");
        // the last stage is the model's own prediction
        float[] logits = model.forward(prompt).data();
        for (int i = 0; i < prompt.length; i++) {
            int best = 0;
            for (int v = 1; v < 10; v++) {
                best = logits[i * 10 + v] > logits[i * 10 + best] ? v : best;
            }
            assertEquals(best, direct.top(direct.stages() - 1, i, 1)[0], "position " + i);
        }
        String description = LogitLensView.describe(direct, names());
        assertTrue(description.contains("read through the model's final LayerNorm"), description);
        Matcher title = Pattern.compile("<title>([^<]*)</title>").matcher(svg);
        assertTrue(title.find());
        assertEquals(description, title.group(1).replace("&quot;", "\"").replace("&amp;", "&"), "the description");
        assertFalse(html.contains("Sample the language"));
    }

    @Test
    @DisplayName("logit-lens, live: mounts on the imported model, reads out its vocab's tokens, takes a typed prompt in "
            + "them and the keys, offers no sample of the language, and logs no errors")
    void lensLive() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = WidgetBrowserTest.openFigure(driver, server.url() + "imported-lens.html", "logit-lens");
        assertEquals("ready", figure.getAttribute("data-state"));
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        assertEquals(canvas.getAttribute("aria-label"),
                figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"),
                "the first live state is the build's");
        HookedTransformer model = model();
        LogitLens jvm = LogitLensView.lens(model, LogitLensView.defaultPrompt(model));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        assertEquals(LogitLensView.readout(jvm, names(), 4, 3).substring(0, 80), readout.getText().substring(0, 80),
                "the last stage and position, read out by the vocab's names");
        assertTrue(readout.getText().matches("Read through the unembedding after layer 1 MLP, at position 3 \\(\"[a-j]\"\\), "
                + "the likeliest next tokens are [a-j] \\(.*"), readout.getText());

        List<WebElement> buttons = figure.findElements(By.cssSelector("button"));
        assertEquals(List.of("New repeated sequence"), buttons.stream().map(WebElement::getText).toList(),
                "no sample of a language the model was not trained on");
        assertFalse(driver.getPageSource().contains("Sample the language"));
        WebElement prompt = figure.findElement(By.cssSelector("input[type=text]"));
        assertTrue(prompt.getAttribute("value").matches("[a-j]( [a-j]){3}"), prompt.getAttribute("value"));

        // a prompt typed in the vocab's words
        String first = WidgetBrowserTest.pixels(driver);
        prompt.clear();
        prompt.sendKeys("a b c d a b", Keys.ENTER);
        wait.until(d -> readout.getText().startsWith("Read through the unembedding after layer 1 MLP, at position 3 (\"d\")"));
        assertNotEquals(first, WidgetBrowserTest.pixels(driver), "the new prompt is drawn");
        LogitLens typed = LogitLensView.lens(model, new int[] {0, 1, 2, 3, 0, 1});
        assertEquals(LogitLensView.readout(typed, names(), 4, 3).substring(0, 90), readout.getText().substring(0, 90));
        wait.until(d -> d.getCurrentUrl().contains("prompt=a.b.c.d.a.b"));
        prompt.clear();
        prompt.sendKeys("a zz", Keys.ENTER);
        wait.until(d -> figure.findElement(By.cssSelector(".widget-message")).getText()
                .equals("\"zz\" is not a token (tokens: a to j, or #0 to #9 by id)"));
        prompt.clear();
        prompt.sendKeys("a b c d a #1", Keys.ENTER);
        wait.until(d -> figure.findElement(By.cssSelector(".widget-message")).getText().isEmpty());

        // the keys
        String before = WidgetBrowserTest.pixels(driver);
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", canvas);
        canvas.sendKeys(Keys.ARROW_UP);
        wait.until(d -> readout.getText().startsWith("Read through the unembedding after layer 1 attn, at position 3 (\"d\")"));
        canvas.sendKeys(Keys.HOME);
        wait.until(d -> readout.getText().startsWith("Read through the unembedding after layer 1 attn, at position 0 (\"a\")"));
        wait.until(d -> d.getCurrentUrl().endsWith("cell=3.0"));
        assertNotEquals(before, WidgetBrowserTest.pixels(driver), "the cursor moved");

        // another repeated sequence: vocab words
        buttons.get(0).click();
        wait.until(d -> !prompt.getAttribute("value").equals("a b c d a b"));
        assertTrue(prompt.getAttribute("value").matches("[a-j]( [a-j]){3}"), prompt.getAttribute("value"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("attention-patterns: the static drawing names the vocab's tokens; live, it mounts without probes or "
            + "checkpoints, takes typed vocab words and an ablated head, offers no sample of the language, and logs no errors")
    void attention() throws Exception {
        String html = site.read("imported-attention.html");
        String wide = WidgetBrowserTest.staticDrawings(site.site(), html).stream()
                .filter(s -> s.contains("widget-wide-drawing")).findFirst().orElseThrow(() -> new AssertionError("the wide static drawing"));
        HookedTransformer model = model();
        int[] first = AttentionPatternsWidget.firstTokens(model);
        List<String> texts = new ArrayList<>();
        Matcher m = Pattern.compile("<text [^>]*>([^<]*)</text>").matcher(wide);
        while (m.find()) {
            texts.add(m.group(1));
        }
        for (int t : first) {
            assertTrue(texts.contains(VOCAB.get(t)), "token " + VOCAB.get(t) + " drawn: " + texts);
        }
        assertFalse(html.contains("Sample the language"));

        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = WidgetBrowserTest.openFigure(driver, server.url() + "imported-attention.html", "attention-patterns");
        assertEquals("ready", figure.getAttribute("data-state"));
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        String aria = canvas.getAttribute("aria-label");
        assertEquals(aria, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"),
                "the first live state is the build's");
        assertTrue(aria.startsWith("Attention patterns of 2 layers on 6 tokens; mean loss "), aria);
        assertFalse(aria.contains("probe"), "no probes without the language: " + aria);
        assertEquals(List.of("Repeat a random sequence"),
                figure.findElements(By.cssSelector("button")).stream().map(WebElement::getText).toList());
        WebElement tokens = figure.findElement(By.cssSelector("input[type=text]"));
        List<String> words = new ArrayList<>();
        for (int t : first) {
            words.add(VOCAB.get(t));
        }
        assertEquals(String.join(" ", words), tokens.getAttribute("value"));

        String clean = WidgetBrowserTest.pixels(driver);
        new org.openqa.selenium.support.ui.Select(figure.findElement(By.cssSelector("select[id$='-ablate']"))).selectByValue("1.2");
        wait.until(d -> canvas.getAttribute("aria-label").contains("With head 1.2 ablated the mean loss is "));
        assertNotEquals(clean, WidgetBrowserTest.pixels(driver), "the ablated run is drawn");
        tokens.clear();
        tokens.sendKeys("c #0 c a", Keys.ENTER);
        wait.until(d -> canvas.getAttribute("aria-label").contains("on 4 tokens"));
        assertTrue(canvas.getAttribute("aria-label").contains("repeats every 2 tokens"), canvas.getAttribute("aria-label"));
        tokens.clear();
        tokens.sendKeys("a zz", Keys.ENTER);
        wait.until(d -> figure.findElement(By.cssSelector(".widget-message")).getText()
                .equals("\"zz\" is not a token (tokens: a to j, or #0 to #9 by id)"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }
}
