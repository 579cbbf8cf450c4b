package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.figures.LogitAttributionWidget;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.LogitLens;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.LogitAttributionView;
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
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The logit-attribution and logit-lens widgets on tiny models, in real headless Chromium: each mounts with its
 * build-time first state, answers its controls and the keyboard, keeps its state in the URL, and logs no errors.
 */
@DisplayName("Logit attribution and logit lens in headless Chromium")
class LogitWidgetsBrowserTest {
    static final String SITE = """
            -- content/site.yaml --
            title: Logits
            -- content/chapters/01-dla.md --
            ---
            title: DLA
            ---
            # DLA

            :::{widget} logit-attribution
            :model: tiny2
            :label: fig-dla
            Direct logit attribution on a two-layer model.
            :::
            -- content/chapters/02-dla-add.md --
            ---
            title: DLA add
            ---
            # DLA on modular addition

            :::{widget} logit-attribution
            :model: add
            :label: fig-dla-add
            Direct logit attribution on modular addition.
            :::
            -- content/chapters/03-lens.md --
            ---
            title: Lens
            ---
            # Lens

            :::{widget} logit-lens
            :model: tiny2
            :label: fig-lens
            The logit lens.
            :::
            -- content/models/add.yaml --
            model: {kind: modular-addition, p: 11, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
            data: {train_fraction: 0.5}
            trainer: {steps: 60, learning_rate: 0.01, checkpoints: 3}
            -- content/models/tiny2.yaml --
            model: {kind: attention-only, n_layers: 2, d_model: 16, n_heads: 2, d_head: 8, n_ctx: 8}
            data: {vocab: 12, successors: 2, repeat_probability: 1.0, segment_min: 2, segment_max: 4}
            trainer: {steps: 40, batch_size: 16, learning_rate: 0.01, checkpoints: 2}
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

    private WebElement openFigure(String page, String widget) {
        return WidgetBrowserTest.openFigure(driver, server.url() + page, widget);
    }

    /** Focuses the drawing without a pointer event (a click would move the cursor to the cell under it). */
    private void focus(WebElement canvas) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", canvas);
    }

    private String pixels() {
        return WidgetBrowserTest.pixels(driver);
    }

    private static HookedTransformer model(String name) throws Exception {
        return HookedTransformer.fromWeights(SafeTensors.fromBytes(Files.readAllBytes(site.weights(name, "final.safetensors"))));
    }

    @Test
    @DisplayName("logit-attribution: the first state is the build's, its logit difference the JVM's; the keys, the answer "
            + "menus and the prompt change it; a shared link restores it")
    void attribution() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("dla.html", "logit-attribution");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        String aria = canvas.getAttribute("aria-label");
        assertEquals(aria, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"),
                "the build-time drawing shows the same first state");
        HookedTransformer model = model("tiny2");
        LogitAttributionView.Table jvm = LogitAttributionWidget.firstTable(model);
        int last = jvm.cols() - 1;
        assertEquals(6, jvm.cols(), "n_ctx 8: 4 random tokens and the first 2 again");
        double live = Double.parseDouble(canvas.getAttribute("data-logit-diff"));
        assertEquals(jvm.diff()[last], live, 1e-4 * Math.max(1, Math.abs(live)), "the browser's float arithmetic may round differently");
        assertTrue(aria.contains("The model has no LayerNorm, so the terms add up exactly to the logit difference."), aria);

        WebElement readout = figure.findElement(By.cssSelector("output"));
        String first = pixels();
        focus(canvas);
        canvas.sendKeys(Keys.ARROW_LEFT);
        wait.until(d -> readout.getText().startsWith("At position " + (last - 1) + " ("));
        canvas.sendKeys(Keys.ARROW_DOWN);
        wait.until(d -> readout.getText().startsWith("At position " + (last - 1) + " (") && readout.getText().contains(" embed contributes "));
        wait.until(d -> d.getCurrentUrl().endsWith("cell=0." + (last - 1)));
        assertNotEquals(first, pixels(), "the cursor moved");

        String before = pixels();
        new Select(figure.findElement(By.cssSelector("select[id$=-wrong]"))).selectByValue(LogitAttributionView.MEAN);
        wait.until(d -> readout.getText().contains(" - mean logit = "));
        assertNotEquals(before, pixels(), "against the mean logit, the terms change");
        wait.until(d -> d.getCurrentUrl().contains("wrong=mean"));
        String url = driver.getCurrentUrl();
        String shared = readout.getText();

        WebElement prompt = figure.findElement(By.cssSelector("input[type=text]"));
        prompt.clear();
        prompt.sendKeys("ba zz", Keys.ENTER);
        wait.until(d -> figure.findElement(By.cssSelector(".widget-message")).getText().startsWith("\"zz\" is not a token"));
        figure.findElement(By.cssSelector("button")).click(); // a new repeated sequence
        wait.until(d -> figure.findElement(By.cssSelector(".widget-message")).getText().isEmpty()
                && prompt.getAttribute("value").split(" ").length == 6);
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));

        driver.get("about:blank");
        driver.get(url); // a shared link: the same menus and cursor
        WebElement again = driver.findElement(By.cssSelector("figure[data-widget=logit-attribution]"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "ready".equals(again.getAttribute("data-state")));
        assertEquals(shared, again.findElement(By.cssSelector("output")).getText());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("logit-attribution on modular addition: a column per a; the arrow keys move a, and a new b fills every column")
    void attributionModular() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("dla-add.html", "logit-attribution");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        HookedTransformer model = model("add");
        LogitAttributionView.Table jvm = LogitAttributionWidget.firstTable(model);
        assertTrue(canvas.getAttribute("aria-label").startsWith("Direct logit attribution: bars of each component's share "
                + "of the logit difference at 1 + 8 =, and a heat map of the same 8 rows (7 terms and their sum) for every a "
                + "from 0 to 10 with b = 8."), canvas.getAttribute("aria-label")); // p 11: 12 mod 11 and 30 mod 11
        assertEquals(jvm.diff()[1], Double.parseDouble(canvas.getAttribute("data-logit-diff")), 1e-4 * Math.max(1, Math.abs(jvm.diff()[1])));
        List<WebElement> numbers = figure.findElements(By.cssSelector("input[type=number]"));
        String before = pixels();
        focus(canvas);
        canvas.sendKeys(Keys.ARROW_RIGHT);
        wait.until(d -> "2".equals(numbers.get(0).getAttribute("value")));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        wait.until(d -> readout.getText().startsWith("At 2 + 8 =, "));
        assertNotEquals(before, pixels());
        numbers.get(1).clear();
        numbers.get(1).sendKeys("3", Keys.ENTER);
        wait.until(d -> readout.getText().startsWith("At 2 + 3 =, ")); // the cursor's column first
        wait.until(d -> "11/11".equals(canvas.getAttribute("data-progress"))); // then every a, frame by frame
        assertTrue(readout.getText().contains("logit(5) - logit("), readout.getText());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("logit-lens: the first state is the build's; the keys read each stage out, a new prompt redraws it, and a "
            + "shared link restores it")
    void lens() throws Exception {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = openFigure("lens.html", "logit-lens");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        String aria = canvas.getAttribute("aria-label");
        assertEquals(aria, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"));
        HookedTransformer model = model("tiny2");
        String[] names = SyntheticLanguage.tokenNames(model.cfg().d_vocab());
        LogitLens jvm = LogitLensView.lens(model, LogitLensView.defaultPrompt(model));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        assertEquals(LogitLensView.readout(jvm, names, 2, 5).substring(0, 60), readout.getText().substring(0, 60),
                "the last stage and position, read out");
        String first = pixels();
        focus(canvas);
        canvas.sendKeys(Keys.ARROW_UP);
        wait.until(d -> readout.getText().startsWith("Read through the unembedding after layer 0, at position 5"));
        canvas.sendKeys(Keys.HOME);
        wait.until(d -> readout.getText().startsWith("Read through the unembedding after layer 0, at position 0"));
        wait.until(d -> d.getCurrentUrl().endsWith("cell=1.0"));
        assertNotEquals(first, pixels());
        String url = driver.getCurrentUrl();
        String shared = readout.getText();

        String before = pixels();
        WebElement prompt = figure.findElement(By.cssSelector("input[type=text]"));
        figure.findElements(By.cssSelector("button")).get(1).click(); // a sample of the language: n_ctx tokens
        wait.until(d -> prompt.getAttribute("value").split(" ").length == 8);
        assertNotEquals(before, pixels());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));

        driver.get("about:blank");
        driver.get(url);
        WebElement again = driver.findElement(By.cssSelector("figure[data-widget=logit-lens]"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "ready".equals(again.getAttribute("data-state")));
        assertEquals(shared, again.findElement(By.cssSelector("output")).getText());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }
}
