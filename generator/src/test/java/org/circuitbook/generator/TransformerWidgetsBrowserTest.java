package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.AttentionPatternsWidget;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.Arrangement;
import org.circuitbook.widgets.widget.AttentionView;
import org.circuitbook.widgets.widget.CircuitsView;
import org.circuitbook.widgets.widget.Fmt;
import org.circuitbook.widgets.widget.PatchingView;
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
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The transformer widgets on tiny attention-only models, in real headless Chromium: circuits on a one-layer
 * model, attention-patterns and activation-patching on a two-layer one with checkpoints, grokking on a tiny
 * modular-addition run.
 */
@DisplayName("Transformer widgets in headless Chromium")
class TransformerWidgetsBrowserTest {
    static final String SITE = """
            -- content/site.yaml --
            title: Circuits
            -- content/chapters/01-circuits.md --
            ---
            title: Circuits
            ---
            # Circuits

            :::{widget} circuits
            :model: tiny
            :view: ov
            :head: 1
            :label: fig-circuits
            The OV circuit of head 0.1.
            :::
            -- content/chapters/02-attention.md --
            ---
            title: Attention
            ---
            # Attention

            :::{widget} attention-patterns
            :model: tiny2
            :label: fig-attention
            Every head of a two-layer model.
            :::
            -- content/chapters/03-grokking.md --
            ---
            title: Grokking
            ---
            # Grokking

            :::{widget} grokking
            :model: add
            :label: fig-grokking
            The training run.
            :::
            -- content/chapters/04-patching.md --
            ---
            title: Patching
            ---
            # Patching

            :::{widget} activation-patching
            :model: tiny2
            :label: fig-patching
            Patching the two-layer model.
            :::
            -- content/chapters/05-composition.md --
            ---
            title: Composition
            ---
            # Composition

            :::{widget} composition
            :model: tiny2
            :label: fig-composition
            How the two-layer model's heads compose.
            :::
            -- content/models/add.yaml --
            model: {kind: modular-addition, p: 11, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
            data: {train_fraction: 0.5}
            trainer: {steps: 60, learning_rate: 0.01, checkpoints: 3}
            -- content/models/tiny2.yaml --
            model: {kind: attention-only, n_layers: 2, d_model: 16, n_heads: 2, d_head: 8, n_ctx: 8}
            data: {vocab: 12, successors: 2, repeat_probability: 1.0, segment_min: 2, segment_max: 4}
            trainer: {steps: 40, batch_size: 16, learning_rate: 0.01, checkpoints: 2}
            -- content/models/tiny.yaml --
            model: {kind: attention-only, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, n_ctx: 8}
            data: {vocab: 12, successors: 2, repeat_probability: 1.0, segment_min: 2, segment_max: 4}
            trainer: {steps: 60, batch_size: 16, learning_rate: 0.01}
            """;

    static FixtureSite site;
    static DevServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        site = FixtureSite.write(work, SITE);
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

    /** Opens {@code page} afresh, brings its {@code widget} figure into view and waits for it to mount. */
    private WebElement openFigure(String page, String widget) {
        return WidgetBrowserTest.openFigure(driver, server.url() + page, widget);
    }

    private String pixels() {
        return WidgetBrowserTest.pixels(driver);
    }

    @Test
    @DisplayName("mounts on the chapter's view, reads cells out by pointer and keyboard, switches tables, and logs no errors")
    void mountsAndResponds() {
        driver.get(server.url() + "circuits.html");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=circuits]"));
        wait.until(d -> "ready".equals(figure.getAttribute("data-state")) || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());

        Select table = new Select(figure.findElement(By.cssSelector("select")));
        assertEquals(List.of("Direct path: the bigram table", "Head 0.0: OV circuit", "Head 0.0: QK circuit",
                "Head 0.1: OV circuit", "Head 0.1: QK circuit"), table.getOptions().stream().map(WebElement::getText).toList());
        assertEquals("ov.1", table.getFirstSelectedOption().getAttribute("value"), "the chapter's :view: and :head:");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        assertTrue(canvas.getAttribute("aria-label").startsWith("Head 0.1 full OV circuit"), canvas.getAttribute("aria-label"));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        assertEquals("Point at a cell, or focus the table and use the arrow keys.", readout.getText());

        String before = pixels();
        canvas.sendKeys(Keys.ARROW_DOWN, Keys.ARROW_RIGHT); // focus puts the cursor on (0, 0); then (1, 1)
        wait.until(d -> readout.getText().startsWith("attending to \"be\" raises the logit of \"be\" by "));
        assertTrue(readout.getText().endsWith("(copying)"), readout.getText());
        assertNotEquals(before, pixels(), "the cursor is drawn");
        wait.until(d -> d.getCurrentUrl().endsWith("#fig-circuits:view=ov.1&cell=1.1"));

        // the pointer: the cell under it is read out (cell (0, 0) is at the grid's top-left, (62, 70) in the drawing)
        List<?> rect = (List<?>) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", canvas);
        double scale = ((Number) rect.get(2)).doubleValue() / 640.0;
        new Actions(driver).moveToLocation((int) (((Number) rect.get(0)).doubleValue() + 67 * scale),
                (int) (((Number) rect.get(1)).doubleValue() + 75 * scale)).perform();
        wait.until(d -> readout.getText().startsWith("attending to \"ba\" raises the logit of \"ba\""));

        String ov = pixels();
        table.selectByValue("bigram");
        wait.until(d -> canvas.getAttribute("aria-label").startsWith("Direct path W_E W_U + b_U"));
        assertNotEquals(ov, pixels(), "the bigram table is drawn");
        assertTrue(readout.getText().startsWith("after \"ba\": logit "), readout.getText());
        // the browser regenerates the language from its settings: the same table as the JVM's
        double truth = new SyntheticLanguage(new SyntheticLanguage.Settings(12, 2, 0.05, 1.0, 2, 4, 0)).bigram()[0][0];
        assertTrue(readout.getText().endsWith("(language: " + Fmt.fixed(truth, 3) + ")"), readout.getText());
        table.selectByValue("bigram"); // unchanged; now a cell with a preferred successor
        canvas.sendKeys(Keys.END);
        int likeliest = new SyntheticLanguage(new SyntheticLanguage.Settings(12, 2, 0.05, 1.0, 2, 4, 0)).likeliestNext(0);
        for (int i = 11; i > likeliest; i--) {
            canvas.sendKeys(Keys.ARROW_LEFT);
        }
        double top = new SyntheticLanguage(new SyntheticLanguage.Settings(12, 2, 0.05, 1.0, 2, 4, 0)).bigram()[0][likeliest];
        wait.until(d -> readout.getText().endsWith("(language: " + Fmt.fixed(top, 3) + ")"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    /** The circuits table {@code view} of the published one-layer model, as the JVM computes it. */
    static CircuitsView.Circuit jvmCircuit(String view, int head) throws Exception {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(
                Files.readAllBytes(site.weights("tiny", "final.safetensors"))));
        return CircuitsView.circuit(model, view, head, null);
    }

    @Test
    @DisplayName("circuits: the pointed row's three largest entries are listed; one colour scale for all tables on request, kept in the URL")
    void circuitsTopAndSharedScale() throws Exception {
        WebElement figure = openFigure("circuits.html", "circuits");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        WebElement successors = figure.findElement(By.cssSelector(".widget-successors"));
        assertFalse(successors.isDisplayed(), "no row pointed at yet");

        CircuitsView.Circuit ov = jvmCircuit("ov", 1);
        canvas.sendKeys(Keys.ARROW_DOWN, Keys.ARROW_DOWN); // the cursor to row 2
        wait.until(d -> successors.getText().startsWith(CircuitsView.topIntro(ov, 2)));
        assertEquals(CircuitsView.topText(ov, 2), successors.getText());
        int[] top = CircuitsView.topInRow(ov, 2);
        List<WebElement> terms = successors.findElements(By.cssSelector(".widget-successor"));
        assertEquals(3, terms.size());
        double previous = Double.POSITIVE_INFINITY;
        for (int t = 0; t < 3; t++) {
            int column = Integer.parseInt(terms.get(t).getAttribute("data-column"));
            double value = Double.parseDouble(terms.get(t).getAttribute("data-value"));
            assertEquals(top[t], column);
            assertEquals(ov.values().get(2, column), value, 1e-5, "entry (2, " + column + ")");
            assertTrue(value <= previous, "largest first");
            previous = value;
            for (int j = 0; j < ov.size(); j++) { // nothing outside the three is larger
                boolean listed = j == top[0] || j == top[1] || j == top[2];
                assertTrue(listed || ov.values().get(2, j) <= ov.values().get(2, top[2]), "column " + j);
            }
        }

        // the shared scale: every table on one colour scale; the palest table (the smallest values) changes most
        Map<String, CircuitsView.Circuit> tables = new java.util.LinkedHashMap<>();
        tables.put("bigram", jvmCircuit("bigram", -1));
        for (int h = 0; h < 2; h++) {
            tables.put("ov." + h, jvmCircuit("ov", h));
            tables.put("qk." + h, jvmCircuit("qk", h));
        }
        double shared = CircuitsView.sharedRange(List.copyOf(tables.values()));
        String palest = "bigram";
        for (String key : tables.keySet()) {
            palest = CircuitsView.range(tables.get(key)) < CircuitsView.range(tables.get(palest)) ? key : palest;
        }
        CircuitsView.Circuit small = tables.get(palest);
        assertTrue(shared > 1.5 * CircuitsView.range(small), palest + ": " + CircuitsView.range(small) + " of " + shared);
        new Select(figure.findElement(By.cssSelector("select"))).selectByValue(palest);
        wait.until(d -> canvas.getAttribute("aria-label").equals(CircuitsView.describe(small)));
        assertEquals(CircuitsView.topText(small, 2), successors.getText(), "the cursor's row in the new table");
        WebElement toggle = figure.findElement(By.xpath(".//button[normalize-space()='Same scale for all tables']"));
        assertEquals("false", toggle.getAttribute("aria-pressed"));
        String own = pixels();
        toggle.click();
        wait.until(d -> canvas.getAttribute("aria-label").equals(CircuitsView.describe(small, shared)));
        assertEquals("true", toggle.getAttribute("aria-pressed"));
        assertNotEquals(own, pixels(), "the table is drawn on the shared scale");
        wait.until(d -> d.getCurrentUrl().contains("scale=1"));
        String url = driver.getCurrentUrl();
        String sharedPixels = pixels();

        driver.get("about:blank");
        driver.get(url); // a shared link: the shared scale again
        WebElement again = driver.findElement(By.cssSelector("figure[data-widget=circuits]"));
        wait.until(d -> "ready".equals(again.getAttribute("data-state")));
        WebElement againToggle = again.findElement(By.xpath(".//button[normalize-space()='Same scale for all tables']"));
        assertEquals("true", againToggle.getAttribute("aria-pressed"));
        assertEquals(CircuitsView.describe(small, shared), canvas(again).getAttribute("aria-label"));
        assertEquals(sharedPixels, pixels(), "the same drawing as before the reload");
        assertEquals(CircuitsView.topText(small, 2), again.findElement(By.cssSelector(".widget-successors")).getText());

        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'});", againToggle);
        againToggle.click(); // and off again: the table's own scale
        wait.until(d -> canvas(again).getAttribute("aria-label").equals(CircuitsView.describe(small)));
        assertEquals(own, pixels());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    private static WebElement canvas(WebElement figure) {
        return figure.findElement(By.cssSelector("canvas"));
    }

    @Test
    @DisplayName("without JavaScript: the build-time drawing of the chapter's table and its description")
    void staticFallback() {
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        try {
            driver.get(server.url() + "circuits.html");
            WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=circuits]"));
            assertTrue(figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).isDisplayed());
            assertTrue(figure.findElement(By.cssSelector(".widget-description")).getText()
                    .startsWith("Head 0.1 full OV circuit: what attending to a token writes, a 12 by 12 heatmap"));
        } finally {
            driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        }
    }

    @Test
    @DisplayName("attention-patterns: runs the model on a repeated sequence, ablates a head, takes typed tokens, scrubs checkpoints")
    void attentionPatterns() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("attention.html", "attention-patterns");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        // the heads are scored on the probes from the frame after the first drawing on
        wait.until(d -> canvas.getAttribute("aria-label").contains("Scores under the heads: "));
        String aria = canvas.getAttribute("aria-label");
        assertTrue(aria.startsWith("Attention patterns of 2 layers on 8 tokens; mean loss "), aria);
        assertTrue(aria.contains("This sequence repeats every 4 tokens: loss "), aria);
        assertTrue(aria.contains("The book's probe sequences are 64 of 4 random tokens, then the same 4 again (the chapters' "
                + "numbers). Scores under the heads: on the book's 64 probe sequences. Best previous-token score in layer 0: "), aria);
        assertEquals(aria, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"),
                "the build-time drawing shows the same first state");
        WebElement tokens = figure.findElement(By.cssSelector("input[type=text]"));
        assertEquals(8, tokens.getAttribute("value").split(" ").length);

        String clean = pixels();
        new Select(figure.findElement(By.cssSelector("select"))).selectByValue("1.0");
        wait.until(d -> canvas.getAttribute("aria-label").contains("With head 1.0 ablated the mean loss is "));
        assertNotEquals(clean, pixels(), "the ablated run is drawn");
        wait.until(d -> d.getCurrentUrl().contains("#fig-attention:step=40&ablate=1.0&tokens="));

        tokens.clear();
        tokens.sendKeys("ba be bi ba be bi", Keys.ENTER);
        wait.until(d -> canvas.getAttribute("aria-label").contains("on 6 tokens"));
        assertTrue(canvas.getAttribute("aria-label").contains("repeats every 3 tokens"), canvas.getAttribute("aria-label"));
        tokens.clear();
        tokens.sendKeys("ba zz", Keys.ENTER);
        wait.until(d -> figure.findElement(By.cssSelector(".widget-message")).getText()
                .equals("\"zz\" is not a token (tokens: ba to fe)"));

        WebElement step = figure.findElement(By.cssSelector("input[type=range]"));
        WebElement stepOut = figure.findElement(By.cssSelector("output"));
        assertEquals("40 (final)", stepOut.getText());
        String before = pixels();
        step.sendKeys(Keys.HOME);
        wait.until(d -> stepOut.getText().equals("0") && "ready".equals(figure.getAttribute("data-state")));
        wait.until(d -> !before.equals(pixels()));
        assertTrue(canvas.getAttribute("aria-label").contains("on 6 tokens"), "the typed tokens stay: "
                + canvas.getAttribute("aria-label"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("attention-patterns: a cell read out by pointer and arrow keys (head, query and key tokens, the weight the "
            + "JVM computes), one head enlarged, and the loss chart's scale the same at every checkpoint")
    void attentionReadout() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("attention.html", "attention-patterns");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        assertTrue(readout.getText().startsWith("Point at or tap a cell"), readout.getText());
        // the same run on the JVM: the final weights the page fetched, the first tokens
        String weights = java.util.Arrays.stream(figure.getAttribute("data-weights").split(" "))
                .filter(u -> org.circuitbook.widgets.widget.WeightFiles.fileName(u).equals("final.safetensors")).findFirst().orElseThrow();
        byte[] bytes;
        try (java.io.InputStream in = java.net.URI.create(server.url() + "attention.html").resolve(weights).toURL().openStream()) {
            bytes = in.readAllBytes();
        }
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(bytes));
        AttentionView.Run run = AttentionView.run(model, AttentionPatternsWidget.firstTokens(model), null);
        String[] names = SyntheticLanguage.tokenNames(model.cfg().d_vocab());

        // the pointer over head 1.0's cell (query 6, key 3): wide, the panel is at (40, 214), 132 px a side, 8 tokens
        String before = pixels();
        List<?> rect = (List<?>) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", canvas);
        double scale = ((Number) rect.get(2)).doubleValue() / 640.0;
        double cell = 132.0 / 8;
        new Actions(driver).moveToLocation((int) Math.round(((Number) rect.get(0)).doubleValue() + (40 + 3.5 * cell) * scale),
                (int) Math.round(((Number) rect.get(1)).doubleValue() + (214 + 6.5 * cell) * scale)).perform();
        wait.until(d -> readout.getText().startsWith("head 1.0, query 6 "));
        assertReadout(readout.getText(), run, names, 1, 0, 6, 3);
        assertNotEquals(before, pixels(), "the pointed cell is outlined");
        wait.until(d -> d.getCurrentUrl().endsWith("&cell=1.0.6.3"));

        // the arrow keys move it; Page Up goes to the previous head
        canvas.sendKeys(Keys.ARROW_UP, Keys.ARROW_LEFT);
        wait.until(d -> readout.getText().startsWith("head 1.0, query 5 ") && readout.getText().contains("-> key 2 "));
        assertReadout(readout.getText(), run, names, 1, 0, 5, 2);
        canvas.sendKeys(Keys.PAGE_UP);
        wait.until(d -> readout.getText().startsWith("head 0.1, query 5 "));
        assertReadout(readout.getText(), run, names, 0, 1, 5, 2);
        wait.until(d -> d.getCurrentUrl().endsWith("&cell=0.1.5.2"));

        // one head alone, enlarged: the cursor follows, and the pointer reads the big panel (308 px at (166, 44))
        String all = pixels();
        new Select(figure.findElement(By.cssSelector("select[id$='-head']"))).selectByValue("1.1");
        wait.until(d -> readout.getText().startsWith("head 1.1, query 5 "));
        assertNotEquals(all, pixels(), "one head drawn large");
        double big = 308.0 / 8;
        List<?> now = (List<?>) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", canvas);
        new Actions(driver).moveToLocation((int) Math.round(((Number) now.get(0)).doubleValue() + (166 + 1.5 * big) * scale),
                (int) Math.round(((Number) now.get(1)).doubleValue() + (44 + 7.5 * big) * scale)).perform();
        wait.until(d -> readout.getText().startsWith("head 1.1, query 7 ") && readout.getText().contains("-> key 1 "));
        assertReadout(readout.getText(), run, names, 1, 1, 7, 1);
        wait.until(d -> d.getCurrentUrl().contains("&head=1.1&tokens=") && d.getCurrentUrl().endsWith("&cell=1.1.7.1"));

        // the loss chart's scale: the same at the final model and at step 0
        String scale40 = lossScale(canvas.getAttribute("aria-label"));
        assertEquals("0 to " + Fmt.fixed(AttentionView.lossScale(model.cfg().d_vocab()), 0) + " nats", scale40);
        WebElement step = figure.findElement(By.cssSelector("input[type=range]"));
        String aria = canvas.getAttribute("aria-label");
        step.sendKeys(Keys.HOME);
        wait.until(d -> !aria.equals(canvas.getAttribute("aria-label")) && "ready".equals(figure.getAttribute("data-state")));
        assertEquals(scale40, lossScale(canvas.getAttribute("aria-label")), "the same scale at step 0");
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    /**
     * A touch screen: a tap on a head's panel reads its cell out and ablates nothing, although the browser follows the
     * tap with a click (which, for a mouse, ablates the head clicked). Ablating is the Ablate menu's, from the keyboard
     * too; a mouse click on a panel still ablates its head.
     */
    @Test
    @DisplayName("attention-patterns: a tap (touch) reads a cell out without ablating; the Ablate menu by keyboard and a mouse click ablate")
    void attentionTouch() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("attention.html", "attention-patterns");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        WebElement readout = figure.findElement(By.cssSelector("output.widget-readout"));
        assertTrue(readout.getText().contains("Ablate a head: the Ablate menu, or click it with a mouse."),
                readout.getText());
        Select ablate = new Select(figure.findElement(By.cssSelector("select[id$='-ablate']")));
        ((JavascriptExecutor) driver).executeScript("window.__taps = [];"
                + "arguments[0].addEventListener('click', e => window.__taps.push('click ' + e.pointerType));", canvas);
        // a finger on head 1.0's cell (query 6, key 3): wide, the panel is at (40, 214), 132 px a side, 8 tokens
        List<?> rect = (List<?>) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", canvas);
        double scale = ((Number) rect.get(2)).doubleValue() / 640.0;
        double cell = 132.0 / 8;
        int x = (int) Math.round(((Number) rect.get(0)).doubleValue() + (40 + 3.5 * cell) * scale);
        int y = (int) Math.round(((Number) rect.get(1)).doubleValue() + (214 + 6.5 * cell) * scale);
        org.openqa.selenium.interactions.PointerInput finger = new org.openqa.selenium.interactions.PointerInput(
                org.openqa.selenium.interactions.PointerInput.Kind.TOUCH, "finger");
        org.openqa.selenium.interactions.Sequence tap = new org.openqa.selenium.interactions.Sequence(finger, 0)
                .addAction(finger.createPointerMove(Duration.ZERO, org.openqa.selenium.interactions.PointerInput.Origin.viewport(), x, y))
                .addAction(finger.createPointerDown(org.openqa.selenium.interactions.PointerInput.MouseButton.LEFT.asArg()))
                .addAction(finger.createPointerUp(org.openqa.selenium.interactions.PointerInput.MouseButton.LEFT.asArg()));
        driver.perform(List.of(tap));
        wait.until(d -> readout.getText().startsWith("head 1.0, query 6 "));
        wait.until(d -> !((List<?>) ((JavascriptExecutor) d).executeScript("return window.__taps;")).isEmpty());
        assertEquals(List.of("click touch"), ((JavascriptExecutor) driver).executeScript("return window.__taps;"),
                "the tap was followed by a click, as on a phone");
        assertEquals("", ablate.getFirstSelectedOption().getAttribute("value"), "the tap ablated nothing");
        assertFalse(canvas.getAttribute("aria-label").contains("ablated"), canvas.getAttribute("aria-label"));
        assertFalse(driver.getCurrentUrl().contains("ablate="), driver.getCurrentUrl());

        // the Ablate menu, from the keyboard: the first head after "none"
        figure.findElement(By.cssSelector("select[id$='-ablate']")).sendKeys(Keys.ARROW_DOWN);
        wait.until(d -> canvas.getAttribute("aria-label").contains("With head 0.0 ablated the mean loss is "));
        assertEquals("0.0", ablate.getFirstSelectedOption().getAttribute("value"));
        // a mouse click on head 1.0's panel ablates it instead
        List<?> now = (List<?>) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top];", canvas);
        new Actions(driver).moveToLocation((int) Math.round(((Number) now.get(0)).doubleValue() + (40 + 3.5 * cell) * scale),
                (int) Math.round(((Number) now.get(1)).doubleValue() + (214 + 6.5 * cell) * scale)).click().perform();
        wait.until(d -> canvas.getAttribute("aria-label").contains("With head 1.0 ablated the mean loss is "));
        assertEquals("1.0", ablate.getFirstSelectedOption().getAttribute("value"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    /** The readout names head l.h, the query and key positions and tokens, and the weight the JVM computes (to 1e-3). */
    private static void assertReadout(String text, AttentionView.Run run, String[] names, int l, int h, int q, int k) {
        String prefix = "head " + l + "." + h + ", query " + q + " '" + names[run.tokens()[q]] + "' -> key " + k + " '"
                + names[run.tokens()[k]] + "': weight ";
        assertTrue(text.startsWith(prefix), text + " should start with " + prefix);
        String rest = text.substring(prefix.length());
        double shown = Double.parseDouble(rest.split(" ")[0]);
        double truth = run.patterns()[l].get(h, q, k);
        assertEquals(truth, shown, 1e-3 + 1e-6, text);
    }

    private static String lossScale(String aria) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Losses are drawn from (0 to [0-9.]+ nats) at every "
                + "checkpoint").matcher(aria);
        assertTrue(m.find(), aria);
        return m.group(1);
    }

    @Test
    @DisplayName("grokking: draws the recorded run at once, scrubs to a checkpoint (fetched on demand), and recomputes a + b")
    void grokking() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("grokking.html", "grokking");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        String aria = canvas.getAttribute("aria-label");
        assertTrue(aria.startsWith("Training run of the modular-addition transformer (p = 11), at step 60 of 60: "), aria);
        assertTrue(aria.contains("For 1 + 8 the model predicts "), aria);
        assertEquals(aria, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"),
                "the build-time drawing shows the same first state");

        String last = pixels();
        WebElement step = figure.findElement(By.cssSelector("input[type=range]"));
        step.sendKeys(Keys.HOME);
        wait.until(d -> canvas.getAttribute("aria-label").contains("at step 0 of 60")
                && canvas.getAttribute("aria-label").contains("For 1 + 8 the model predicts"));
        assertNotEquals(last, pixels());
        WebElement a = figure.findElement(By.cssSelector("input[type=number]"));
        a.clear();
        a.sendKeys("3");
        wait.until(d -> canvas.getAttribute("aria-label").contains("For 3 + 8 the model predicts"));
        wait.until(d -> d.getCurrentUrl().endsWith("#fig-grokking:step=0&a=3&b=8"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    /**
     * Where logical point ({@code x}, {@code y}) of the wide grokking drawing is, as an offset from the canvas's centre
     * (what {@link Actions#moveToElement(WebElement, int, int)} takes).
     */
    private static int[] offset(WebElement canvas, double x, double y) {
        org.openqa.selenium.Rectangle r = canvas.getRect();
        double scale = r.getWidth() / (double) org.circuitbook.widgets.widget.GrokkingView.WIDTH;
        return new int[] {(int) Math.round((x - org.circuitbook.widgets.widget.GrokkingView.WIDTH / 2.0) * scale),
                (int) Math.round(y * scale - r.getHeight() / 2.0)};
    }

    @Test
    @DisplayName("grokking: a click or drag on the loss chart scrubs to the nearest checkpoint, and the drawing says "
            + "whether (a, b) is a training or a held-out test pair")
    void grokkingChart() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("grokking.html", "grokking");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        WebElement step = figure.findElement(By.cssSelector("input[type=range]"));
        WebElement readout = figure.findElement(By.cssSelector("output[for='" + step.getAttribute("id") + "']"));
        // the fixture's split (p = 11, half the pairs, data seed 0): (1, 8) was held out, (1, 1) trained on
        String aria = canvas.getAttribute("aria-label");
        assertTrue(aria.endsWith(" (1, 8) is a held-out test pair: the model never trained on it."), aria);
        assertTrue(WidgetBrowserTest.drawingSvg(driver, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")))
                .contains("(1, 8) is a held-out test pair"), "the static drawing marks the pair too");
        assertEquals(640.0 / 620, canvas.getRect().getWidth() / (double) canvas.getRect().getHeight(), 0.01,
                "the wide arrangement");

        // the loss plot spans x = 48 .. 624 over steps 0 .. 60 (checkpoints 0, 20, 40, final 60)
        String before = pixels();
        int[] at25 = offset(canvas, 48 + 576 * 25 / 60.0, 140);
        new Actions(driver).moveToElement(canvas, at25[0], at25[1]).click().perform();
        wait.until(d -> canvas.getAttribute("aria-label").contains("at step 20 of 60"));
        assertEquals("1", step.getAttribute("value"), "the slider is on the nearest checkpoint");
        assertEquals("20", readout.getText());
        wait.until(d -> d.getCurrentUrl().endsWith("#fig-grokking:step=20&a=1&b=8"));
        wait.until(d -> !before.equals(pixels()));

        String at20 = pixels();
        int[] start = offset(canvas, 50, 200);
        int[] end = offset(canvas, 48 + 576 * 36 / 60.0, 60);
        new Actions(driver).moveToElement(canvas, start[0], start[1]).clickAndHold()
                .moveToElement(canvas, end[0], end[1]).release().perform();
        wait.until(d -> canvas.getAttribute("aria-label").contains("at step 40 of 60"));
        assertEquals("2", step.getAttribute("value"), "a drag ends on the checkpoint nearest where it was let go");
        wait.until(d -> !at20.equals(pixels()));

        String at40 = pixels();
        int[] logits = offset(canvas, 300, 530); // the logit panel is no scrubber
        new Actions(driver).moveToElement(canvas, logits[0], logits[1]).click().perform();
        assertEquals("2", step.getAttribute("value"));

        WebElement b = figure.findElements(By.cssSelector("input[type=number]")).get(1);
        b.clear();
        b.sendKeys("1");
        wait.until(d -> canvas.getAttribute("aria-label").endsWith(" (1, 1) is a training pair: the model was trained on it."));
        assertNotEquals(at40, pixels());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("activation-patching: fills the heatmap frame by frame, switches experiment and metric, reads cells by "
            + "keyboard, refuses mismatched prompts, and restores a shared link")
    void activationPatching() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("patching.html", "activation-patching");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        // the default induction prompt on n_ctx 8: 4 distinct tokens, then the first 3 again; 3 rows x 7 positions
        wait.until(d -> "21/21".equals(canvas.getAttribute("data-progress")));
        String aria = canvas.getAttribute("aria-label");
        assertTrue(aria.startsWith("Activation patching heatmap, residual stream, by layer and position: 3 rows by 7 "
                + "positions."), aria);
        assertTrue(aria.contains("Most restored in each row: resid_pre 0 at position 3 ("), "the corrupted position "
                + "restores the clean run exactly: " + aria);
        assertEquals(aria, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"),
                "the build-time drawing shows the same first state");
        List<WebElement> inputs = figure.findElements(By.cssSelector("input[type=text]"));
        assertEquals(7, inputs.get(0).getAttribute("value").split(" ").length);

        String resid = pixels();
        new Select(figure.findElement(By.cssSelector("select[id$=-view]"))).selectByValue("heads");
        wait.until(d -> "4/4".equals(canvas.getAttribute("data-progress")));
        assertNotEquals(resid, pixels(), "the head experiment is drawn");
        new Select(figure.findElement(By.cssSelector("select[id$=-metric]"))).selectByValue("probability");
        wait.until(d -> canvas.getAttribute("aria-label").contains("share of the probability of the clean answer"));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        canvas.sendKeys(Keys.ARROW_RIGHT); // focus puts the cursor on (0, 0); then head 0.1
        wait.until(d -> readout.getText().startsWith("Patching head 0.1 (its output at every position) from the clean run"));
        wait.until(d -> d.getCurrentUrl().endsWith("&cell=0.1")); // the fragment is written within 100 ms
        String url = driver.getCurrentUrl();
        assertTrue(url.contains("#fig-patching:view=heads&metric=probability&clean="), url);

        inputs.get(1).clear();
        inputs.get(1).sendKeys("ba be", Keys.ENTER);
        wait.until(d -> figure.findElement(By.cssSelector(".widget-message")).getText()
                .equals("the clean and corrupted prompts must have the same number of tokens (7 and 2)"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));

        String shared = readout.getText();
        driver.get("about:blank");
        driver.get(url); // a shared link: the figure mounts at once with the same experiment and cell
        WebElement again = driver.findElement(By.cssSelector("figure[data-widget=activation-patching]"));
        wait.until(d -> "4/4".equals(again.findElement(By.cssSelector("canvas")).getAttribute("data-progress")));
        assertEquals("heads", new Select(again.findElement(By.cssSelector("select[id$=-view]")))
                .getFirstSelectedOption().getAttribute("value"));
        assertEquals(shared, again.findElement(By.cssSelector("output")).getText());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("activation-patching: the arrow keys, Home and End move the cursor the way the reader sees the map, at a "
            + "phone's width (where the maps by layer and position are drawn on their side) and at a desktop's")
    void patchingKeysFollowTheArrangement() throws Exception {
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(
                Files.readAllBytes(site.weights("tiny2", "final.safetensors"))));
        for (int width : new int[] {390, 1400}) {
            driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", 900,
                    "deviceScaleFactor", 1, "mobile", false));
            try {
                for (String view : ActivationPatching.views(model.cfg())) {
                    patchingKeys(model, width, view);
                }
            } finally {
                driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            }
        }
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    /**
     * At {@code width} CSS pixels, in {@code view}: focuses the heatmap (cursor on cell 0.0), then checks that each key
     * moves the cursor to the cell drawn that way from it ({@link PatchingView#cellBox}, in the arrangement shown), and
     * that the pointer over that drawn place reads out the same cell as the keyboard did.
     */
    private void patchingKeys(HookedTransformer model, int width, String view) {
        String where = view + " at " + width + " px";
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("patching.html", "activation-patching");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        ActivationPatching.Experiment e = ActivationPatching.run(model, PatchingView.defaultPrompts(model), view,
                ActivationPatching.METRICS.get(0), ActivationPatching.DIRECTIONS.get(0));
        new Select(figure.findElement(By.cssSelector("select[id$=-view]"))).selectByValue(view);
        wait.until(d -> (e.cells() + "/" + e.cells()).equals(canvas.getAttribute("data-progress"))
                && canvas.getAttribute("aria-label").contains(PatchingView.viewTitle(view).toLowerCase()));
        boolean narrow = width < Arrangement.NARROW_BELOW;
        double logicalWidth = narrow ? Arrangement.NARROW_WIDTH : PatchingView.WIDTH;
        double logicalHeight = narrow ? PatchingView.NARROW_HEIGHT : PatchingView.HEIGHT;
        org.openqa.selenium.Rectangle rect = canvas.getRect();
        assertEquals(logicalWidth / logicalHeight, rect.getWidth() / (double) rect.getHeight(), 0.02,
                where + ": the " + (narrow ? "narrow" : "wide") + " arrangement");
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'});"
                + "arguments[0].focus();", canvas);
        WebElement readout = figure.findElement(By.cssSelector("output"));
        wait.until(d -> readout.getText().startsWith("Patching " + PatchingView.where(e, names(model), 0, 0)));
        int[] cell = {0, 0};
        for (String key : List.of("ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp", "ArrowDown", "End", "Home")) {
            double[] before = PatchingView.cellBox(e, narrow, cell[0], cell[1]);
            canvas.sendKeys(switch (key) {
                case "ArrowRight" -> Keys.ARROW_RIGHT;
                case "ArrowLeft" -> Keys.ARROW_LEFT;
                case "ArrowDown" -> Keys.ARROW_DOWN;
                case "ArrowUp" -> Keys.ARROW_UP;
                case "End" -> Keys.END;
                default -> Keys.HOME;
            });
            String url = wait.until(d -> {
                String u = d.getCurrentUrl();
                return u.contains("cell=") && !u.endsWith("cell=" + cell[0] + "." + cell[1]) ? u : null;
            });
            String[] rc = url.substring(url.indexOf("cell=") + 5).split("\\.");
            cell[0] = Integer.parseInt(rc[0]);
            cell[1] = Integer.parseInt(rc[1]);
            double[] after = PatchingView.cellBox(e, narrow, cell[0], cell[1]);
            String moved = where + ", " + key + " to cell " + cell[0] + "." + cell[1] + ": drawn at (" + after[0] + ", "
                    + after[1] + "), from (" + before[0] + ", " + before[1] + ")";
            switch (key) {
                case "ArrowRight" -> assertTrue(after[0] > before[0] && after[1] == before[1], moved + ": right on screen");
                case "ArrowLeft" -> assertTrue(after[0] < before[0] && after[1] == before[1], moved + ": left on screen");
                case "ArrowDown" -> assertTrue(after[1] > before[1] && after[0] == before[0], moved + ": down on screen");
                case "ArrowUp" -> assertTrue(after[1] < before[1] && after[0] == before[0], moved + ": up on screen");
                case "End" -> assertTrue(after[1] == before[1] && after[0] > before[0] && PatchingView.cellAt(e, narrow,
                        after[0] + after[2] + 1, after[1] + after[3] / 2) == null, moved + ": the row's last cell on screen");
                default -> assertTrue(after[1] == before[1] && after[0] < before[0] && PatchingView.cellAt(e, narrow,
                        after[0] - 1, after[1] + after[3] / 2) == null, moved + ": the row's first cell on screen");
            }
            String keyed = readout.getText();
            assertTrue(keyed.startsWith("Patching " + PatchingView.where(e, names(model), cell[0], cell[1])), keyed);
            // the pointer where that cell is drawn reads out the same cell: the layout checked is the one on screen
            double scale = rect.getWidth() / logicalWidth;
            new Actions(driver).moveToElement(canvas,
                    (int) Math.round((after[0] + after[2] / 2 - logicalWidth / 2) * scale),
                    (int) Math.round((after[1] + after[3] / 2 - logicalHeight / 2) * scale)).perform();
            assertEquals(keyed, readout.getText(), where + ": the pointer on the cell the keyboard reached");
        }
    }

    private static String[] names(HookedTransformer model) {
        return SyntheticLanguage.tokenNames(model.cfg().d_vocab());
    }

    @Test
    @DisplayName("activation-patching: noising patches corrupted activations into the clean run; the swap button exchanges "
            + "the prompts and answers, and denoising the swapped pair gives noising's map")
    void patchingDirections() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("patching.html", "activation-patching");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        wait.until(d -> "21/21".equals(canvas.getAttribute("data-progress")));
        String denoised = pixels();
        new Select(figure.findElement(By.cssSelector("select[id$=-direction]"))).selectByValue("noise");
        wait.until(d -> "21/21".equals(canvas.getAttribute("data-progress"))
                && canvas.getAttribute("aria-label").contains("destroyed by patching that corrupted activation into the clean run"));
        String aria = canvas.getAttribute("aria-label");
        // before layer 0 the corrupted position turns the clean run into the corrupted one: all of the gap
        assertTrue(aria.contains("Most destroyed in each row: resid_pre 0 at position 3 (") && aria.contains(") 1.00"), aria);
        assertNotEquals(denoised, pixels(), "the noising map is drawn");
        wait.until(d -> d.getCurrentUrl().contains("&direction=noise"));
        String noised = aria.substring(aria.indexOf("Most destroyed"));

        List<WebElement> inputs = figure.findElements(By.cssSelector("input[type=text]"));
        String clean = inputs.get(0).getAttribute("value");
        String corrupted = inputs.get(1).getAttribute("value");
        Select answer = new Select(figure.findElement(By.cssSelector("select[id$=-answer]")));
        Select wrong = new Select(figure.findElement(By.cssSelector("select[id$=-wrong]")));
        String a = answer.getFirstSelectedOption().getAttribute("value");
        String w = wrong.getFirstSelectedOption().getAttribute("value");
        figure.findElements(By.cssSelector("button")).stream().filter(b -> b.getText().equals("Swap prompts"))
                .findFirst().orElseThrow().click();
        wait.until(d -> inputs.get(0).getAttribute("value").equals(corrupted) && inputs.get(1).getAttribute("value").equals(clean));
        assertEquals(w, answer.getFirstSelectedOption().getAttribute("value"));
        assertEquals(a, wrong.getFirstSelectedOption().getAttribute("value"));
        new Select(figure.findElement(By.cssSelector("select[id$=-direction]"))).selectByValue("denoise");
        wait.until(d -> "21/21".equals(canvas.getAttribute("data-progress"))
                && canvas.getAttribute("aria-label").contains("Most restored in each row"));
        String swapped = canvas.getAttribute("aria-label");
        assertEquals(noised.replace("Most destroyed", "Most restored").replaceAll("\\(\"[^\"]*\" / corrupted \"[^\"]*\"\\)", "(x)"),
                swapped.substring(swapped.indexOf("Most restored")).replaceAll("\\(\"[^\"]*\" / corrupted \"[^\"]*\"\\)", "(x)"),
                "denoising the swapped prompts is noising the originals, cell for cell");
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("activation-patching: the methods (ablations with their baseline named, attribution beside the real "
            + "patches with their correlation) and the path view mount, redraw, read cells by keyboard and come back "
            + "from a shared link")
    void patchingModesAndPaths() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("patching.html", "activation-patching");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        wait.until(d -> "21/21".equals(canvas.getAttribute("data-progress")));
        Select mode = new Select(figure.findElement(By.cssSelector("select[id$=-mode]")));
        String before = pixels();
        for (String m : List.of("zero-ablation", "mean-ablation", "resample-ablation")) {
            String baseline = switch (m) {
                case "zero-ablation" -> "Baseline: zeros.";
                case "mean-ablation" -> "Baseline: the mean over 16 prompts of the task.";
                default -> "Baseline: another random prompt of the task (seed 17).";
            };
            mode.selectByValue(m);
            wait.until(d -> "21/21".equals(canvas.getAttribute("data-progress"))
                    && canvas.getAttribute("aria-label").contains(baseline));
            assertTrue(canvas.getAttribute("aria-label").contains("gap destroyed"), canvas.getAttribute("aria-label"));
            String now = pixels();
            assertNotEquals(before, now, m + " is drawn");
            before = now;
        }
        mode.selectByValue("attribution");
        wait.until(d -> "21/21".equals(canvas.getAttribute("data-progress"))
                && canvas.getAttribute("aria-label").contains("real patching beside its attribution estimate")
                && canvas.getAttribute("aria-label").contains("correlate with r = "));
        assertNotEquals(before, pixels(), "two grids are drawn");

        new Select(figure.findElement(By.cssSelector("select[id$=-view]"))).selectByValue("path");
        // tiny2: 2 senders (layer 0's heads) by 2 receivers x Q, K, V
        wait.until(d -> "12/12".equals(canvas.getAttribute("data-progress"))
                && canvas.getAttribute("aria-label").startsWith("Attribution patching heatmaps, real patching beside its "
                + "attribution estimate, path: sender head (layer 0) to receiver head (layer 1): 2 rows by 6 columns"));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].focus();", canvas);
        canvas.sendKeys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ARROW_RIGHT); // (0, 0), then three to the right: K of 1.1
        wait.until(d -> readout.getText().startsWith("Patching head 0.0 to head 1.1 through the key (K) only from the clean "
                + "run into the corrupted run") && readout.getText().contains("Attribution patching estimates "));
        wait.until(d -> d.getCurrentUrl().endsWith("&cell=0.3"));
        String url = driver.getCurrentUrl();
        assertTrue(url.contains("#fig-patching:view=path&") && url.contains("&mode=attribution&cell=0.3"), url);
        String shared = readout.getText();
        driver.get("about:blank");
        driver.get(url);
        WebElement again = driver.findElement(By.cssSelector("figure[data-widget=activation-patching]"));
        wait.until(d -> "12/12".equals(again.findElement(By.cssSelector("canvas")).getAttribute("data-progress")));
        assertEquals("attribution", new Select(again.findElement(By.cssSelector("select[id$=-mode]")))
                .getFirstSelectedOption().getAttribute("value"));
        assertEquals(shared, again.findElement(By.cssSelector("output")).getText());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("the widget benchmark's driver finds and fires every control of each widget (no times checked)")
    void benchmarkDriver() {
        Map<String, List<String>> expected = Map.of(
                "circuits.html", List.of("baseline (no-op)", "select Table", "button Same scale for all tables", "arrow keys canvas",
                        "pointer move canvas"),
                "attention.html", List.of("baseline (no-op)", "text Tokens", "button Repeat a random sequence",
                        "button Sample the language", "slider Training step", "select Ablate", "select Head",
                        "arrow keys canvas", "pointer move canvas"),
                "grokking.html", List.of("baseline (no-op)", "slider Training step", "number a", "number b"));
        for (String page : List.of("circuits.html", "attention.html", "grokking.html")) {
            driver.get("about:blank");
            driver.get(server.url() + page);
            WebElement figure = driver.findElement(By.cssSelector("figure[data-widget]"));
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", figure);
            new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "ready".equals(figure.getAttribute("data-state")));
            List<Map<?, ?>> controls = org.circuitbook.generator.bench.WidgetDriver.drive(driver, figure, 2, 1);
            assertEquals(expected.get(page), controls.stream().map(c -> c.get("kind") + " " + c.get("control")).toList(), page);
            for (Map<?, ?> c : controls) {
                assertEquals(null, c.get("error"), page + " " + c);
                assertEquals(2, ((List<?>) c.get("frame")).size() + ((Number) c.get("fetches")).intValue(), page + " " + c);
            }
            assertEquals("ready", figure.getAttribute("data-state"), page);
        }
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }
}
