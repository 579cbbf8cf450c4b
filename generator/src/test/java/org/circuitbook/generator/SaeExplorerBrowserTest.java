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
import org.circuitbook.widgets.data.SparseFeatures;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.SaeExplorerView;
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
 * The sae-explorer widget on four tiny SAEs (2 dictionary sizes x 2 L1 coefficients), in real headless
 * Chromium: what the browser computes (the regenerated evaluation batch, the latents' top-activating
 * inputs) is checked against the same shared code run here on the JVM over the published files.
 */
@DisplayName("The sae-explorer widget in headless Chromium")
class SaeExplorerBrowserTest {
    static final String SITE = """
            -- content/site.yaml --
            title: SAEs
            -- content/chapters/01-sae.md --
            ---
            title: SAEs
            ---
            # Sparse autoencoders

            :::{widget} sae-explorer
            :model: saes
            :d_sae: 16
            :l1: 1.0
            :label: fig-sae
            Decoder directions against the true features.
            :::
            -- content/models/saes.yaml --
            model: {kind: sae-toy, d_sae: [8, 16], l1_coefficients: [0.1, 1.0]}
            data: {n_features: 8, d_in: 4, feature_probability: 0.1}
            trainer: {steps: 150, batch_size: 256, learning_rate: 0.01}
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

    /** The SAE (dSae, l1) as the JVM measures it from the published files. */
    static SaeExplorerView.Run jvmRun(int dSae, String l1) throws Exception {
        return jvmRun(site, dSae, l1);
    }

    /** The SAE (dSae, l1) of the model "saes" as the JVM measures it from {@code site}'s published files. */
    static SaeExplorerView.Run jvmRun(FixtureSite site, int dSae, String l1) throws Exception {
        SafeTensors truth = SafeTensors.fromBytes(Files.readAllBytes(site.weights("saes", "ground-truth.safetensors")));
        SparseFeatures.Settings settings = SparseFeatures.Settings.fromJson(truth.metadata().get("spec"));
        SparseAutoencoder sae = SparseAutoencoder.fromWeights(SafeTensors.fromBytes(
                Files.readAllBytes(site.weights("saes", "sae-d" + dSae + "-l1-" + l1 + ".safetensors"))));
        return SaeExplorerView.run(sae, l1, truth.tensor("features"),
                settings.evaluationCoefficients(settings.index(dSae, Double.parseDouble(l1))));
    }

    /** The fragment is written at most every 100 ms (WidgetState), so a test waits for it. */
    private static void urlEndsWith(WebDriverWait wait, String end) {
        wait.until(d -> d.getCurrentUrl().endsWith(end));
    }

    private String pixels() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector('figure[data-widget] canvas').toDataURL();");
    }

    private WebElement ready(String page) {
        driver.get("about:blank");
        driver.get(server.url() + page);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=sae-explorer]"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", figure);
        wait.until(d -> "ready".equals(figure.getAttribute("data-state")) || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        return figure;
    }

    /** The listed inputs as text (assistive technology's reading: the words the layout shows hidden included). */
    private List<String> listed(WebElement figure) {
        return figure.findElements(By.cssSelector("ol.widget-list li")).stream()
                .map(li -> li.getAttribute("textContent")).toList();
    }

    @Test
    @DisplayName("mounts on the chapter's SAE, switches SAEs by the selects, lists a clicked latent's top inputs, follows the arrow keys")
    void mountsAndResponds() throws Exception {
        WebElement figure = ready("sae.html");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        List<WebElement> labels = figure.findElements(By.cssSelector(".widget-controls label"));
        assertEquals(List.of("Dictionary size", "L1 coefficient"), labels.stream().map(WebElement::getText).toList());
        List<WebElement> selects = figure.findElements(By.cssSelector(".widget-controls select"));
        assertEquals(labels.get(0).getAttribute("for"), selects.get(0).getAttribute("id"), "the selects are labelled");
        assertEquals(labels.get(1).getAttribute("for"), selects.get(1).getAttribute("id"));
        Select size = new Select(selects.get(0));
        Select l1 = new Select(selects.get(1));
        assertEquals(List.of("8 latents", "16 latents"), size.getOptions().stream().map(WebElement::getText).toList());
        assertEquals(List.of("0.1", "1"), l1.getOptions().stream().map(WebElement::getText).toList());
        assertEquals("16", size.getFirstSelectedOption().getAttribute("value"), "the chapter's :d_sae:");
        assertEquals("1", l1.getFirstSelectedOption().getAttribute("value"), "the chapter's :l1: 1.0");

        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        String aria = canvas.getAttribute("aria-label");
        assertEquals(SaeExplorerView.describe(jvmRun(16, "1"), -1), aria, "the browser measures what the JVM measures");
        assertEquals(aria, figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).getAttribute("alt"),
                "the build-time drawing shows the same first state");
        assertTrue(figure.findElement(By.cssSelector(".widget-fallback")).getAttribute("hidden") != null);
        assertEquals(List.of(), listed(figure), "no latent selected yet");

        String first = pixels();
        size.selectByValue("8");
        wait.until(d -> canvas.getAttribute("aria-label").startsWith("SAE with 8 latents, L1 coefficient 1: "));
        assertNotEquals(first, pixels(), "the 8-latent SAE is drawn");
        urlEndsWith(wait, "sae.html#fig-sae:d_sae=8&l1=1");
        String eight = pixels();
        l1.selectByValue("0.1");
        wait.until(d -> canvas.getAttribute("aria-label").startsWith("SAE with 8 latents, L1 coefficient 0.1: "));
        assertNotEquals(eight, pixels(), "the weakly penalised SAE is drawn");
        SaeExplorerView.Run run = jvmRun(8, "0.1");
        assertEquals(SaeExplorerView.describe(run, -1), canvas.getAttribute("aria-label"));

        // click the top row: that latent's top-activating inputs are listed
        List<?> rect = (List<?>) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", canvas);
        double scale = ((Number) rect.get(2)).doubleValue() / SaeExplorerView.WIDTH;
        new Actions(driver).moveToLocation((int) (((Number) rect.get(0)).doubleValue() + 100 * scale),
                (int) (((Number) rect.get(1)).doubleValue() + 90 * scale)).click().perform();
        int top = run.latentAt(0);
        WebElement summary = figure.findElement(By.cssSelector(".widget-latent-summary"));
        wait.until(d -> summary.getText().equals(SaeExplorerView.latentSummary(run, top)));
        assertFalse(SaeExplorerView.topLines(run, top).isEmpty());
        assertEquals(SaeExplorerView.topLines(run, top), listed(figure));
        urlEndsWith(wait, "#fig-sae:d_sae=8&l1=0.1&latent=" + top);
        assertEquals(SaeExplorerView.describe(run, top), canvas.getAttribute("aria-label"));

        // the arrow keys move the cursor; its row's latent is listed
        String clicked = pixels();
        canvas.sendKeys(Keys.ARROW_DOWN, Keys.ARROW_DOWN, Keys.ARROW_RIGHT);
        int third = run.latentAt(2);
        wait.until(d -> summary.getText().equals(SaeExplorerView.latentSummary(run, third)));
        assertEquals(SaeExplorerView.topLines(run, third), listed(figure));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        assertEquals(SaeExplorerView.readout(run, 2, 1), readout.getText());
        assertNotEquals(clicked, pixels(), "the cursor moved");
        urlEndsWith(wait, "&latent=" + third);
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("a selected latent's top activations are bars as long as their values, the latent's matched feature marked")
    void topActivationsAsBars() throws Exception {
        SaeExplorerView.Run run = jvmRun(16, "1");
        int row = 0;
        while (SaeExplorerView.topActivating(run, run.latentAt(row)).length < 2) {
            row++; // a latent with at least two inputs, so that the bars' lengths differ
        }
        int latent = run.latentAt(row);
        WebElement figure = ready("sae.html");
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        canvas.sendKeys(Keys.HOME); // focus puts the cursor on the first row; Home selects it
        for (int r = 0; r < row; r++) {
            canvas.sendKeys(Keys.ARROW_DOWN);
        }
        WebElement summary = figure.findElement(By.cssSelector(".widget-latent-summary"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> summary.getText()
                .equals(SaeExplorerView.latentSummary(run, latent)));

        List<SaeExplorerView.TopBar> bars = SaeExplorerView.topBars(run, latent);
        List<WebElement> items = figure.findElements(By.cssSelector("ol.widget-bars li"));
        assertEquals(bars.size(), items.size());
        int match = run.best()[latent];
        boolean marked = false;
        double fullWidth = 0;
        for (int k = 0; k < bars.size(); k++) {
            WebElement item = items.get(k);
            SaeExplorerView.TopBar bar = bars.get(k);
            assertEquals(run.evaluation().latents().get(bar.input(), latent), Double.parseDouble(item.getAttribute("data-value")),
                    1e-6, "input " + bar.input());
            assertEquals(bar.valueText(), item.findElement(By.cssSelector(".widget-bar-value")).getText());
            // the bar's drawn length is its value's share of the strongest
            WebElement track = item.findElement(By.cssSelector(".widget-bar"));
            double width = track.findElement(By.cssSelector("span")).getSize().getWidth();
            if (k == 0) {
                fullWidth = width;
                assertEquals(track.getSize().getWidth(), width, 1.0, "the strongest bar fills its track");
                assertTrue(width > 40, "a bar wide enough to read: " + width);
            } else {
                assertEquals(bar.fraction() * fullWidth, width, 1.5, "bar " + k);
            }
            List<WebElement> strong = item.findElements(By.cssSelector(".widget-bar-match"));
            boolean active = false;
            for (int f : bar.features()) {
                active |= f == match;
            }
            assertEquals(active ? 1 : 0, strong.size(), "the matched feature marked where the input has it");
            if (active) {
                marked = true;
                assertEquals(SaeExplorerView.featureTerm(run, bar.input(), match), strong.get(0).getText());
                assertEquals("700", strong.get(0).getCssValue("font-weight"));
            }
        }
        assertTrue(marked, "some top input has the latent's matched feature " + match);
        assertEquals(SaeExplorerView.topLines(run, latent), listed(figure), "each item reads as its text line");
        assertEquals(SaeExplorerView.describe(run, latent), canvas.getAttribute("aria-label"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("a shared link reopens the figure on its SAE and latent")
    void restoresFromFragment() throws Exception {
        SaeExplorerView.Run run = jvmRun(8, "0.1");
        int latent = run.latentAt(3);
        WebElement figure = ready("sae.html#fig-sae:d_sae=8&l1=0.1&latent=" + latent);
        assertEquals("8", new Select(figure.findElements(By.cssSelector("select")).get(0)).getFirstSelectedOption().getAttribute("value"));
        assertEquals("0.1", new Select(figure.findElements(By.cssSelector("select")).get(1)).getFirstSelectedOption().getAttribute("value"));
        assertEquals(SaeExplorerView.latentSummary(run, latent), figure.findElement(By.cssSelector(".widget-latent-summary")).getText());
        assertEquals(SaeExplorerView.topLines(run, latent), listed(figure));
        assertEquals(SaeExplorerView.readout(run, 3, run.best()[latent]), figure.findElement(By.cssSelector("output")).getText());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("without JavaScript: the build-time drawing of the chapter's SAE and its description")
    void staticFallback() throws Exception {
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        try {
            driver.get("about:blank");
            driver.get(server.url() + "sae.html");
            WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=sae-explorer]"));
            assertTrue(figure.findElement(By.cssSelector(".widget-fallback .widget-drawing")).isDisplayed());
            assertTrue(figure.findElement(By.cssSelector(".widget-description")).getText()
                    .startsWith(SaeExplorerView.describe(jvmRun(16, "1"), -1)));
        } finally {
            driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        }
    }
}
