package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.weights.SafeTensors;
import org.circuitbook.widgets.widget.CompositionView;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The composition widget on the transformer fixture's two-layer model ({@link TransformerWidgetsBrowserTest#SITE}),
 * in headless Chromium: it mounts on the pair the JVM picks, the selects and a click on the score matrix change the
 * pair and the table, the arrow keys and Page Up/Down work on the focused drawing, and the state round-trips through
 * the URL.
 */
@DisplayName("The composition widget in headless Chromium")
class CompositionBrowserTest {
    static FixtureSite site;
    static DevServer server;
    static ChromeDriver driver;
    static int[] pair;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        site = FixtureSite.write(work, TransformerWidgetsBrowserTest.SITE);
        site.build();
        server = DevServer.start(site.site(), 0);
        driver = WidgetBrowserTest.chromium(work, "--force-device-scale-factor=1");
        driver.manage().window().setSize(new Dimension(1400, 1000));
        HookedTransformer model = HookedTransformer.fromWeights(SafeTensors.fromBytes(
                Files.readAllBytes(site.weights("tiny2", "final.safetensors"))));
        pair = CompositionView.defaultPair(model);
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

    private WebElement open(String fragment) {
        driver.get("about:blank");
        driver.get(server.url() + "composition.html" + fragment);
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=composition]"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        return figure;
    }

    private String pixels() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector('figure[data-widget=composition] canvas').toDataURL();");
    }

    private static String selected(WebElement figure, String key) {
        return new Select(figure.findElement(By.cssSelector("select[id$=-" + key + "]"))).getFirstSelectedOption()
                .getAttribute("value");
    }

    @Test
    @DisplayName("mounts on the most diagonal K pair; the selects, the keyboard and a click on a score change what is shown")
    void mountsAndResponds() {
        WebElement figure = open("");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        assertEquals("k", selected(figure, "kind"));
        assertEquals("0." + pair[0], selected(figure, "sender"));
        assertEquals("1." + pair[1], selected(figure, "receiver"));
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        String label = canvas.getAttribute("aria-label");
        assertTrue(label.startsWith("K-composition: head 0." + pair[0] + " into head 1." + pair[1] + "'s keys, a 12 by 12 "
                + "heatmap"), label);
        assertTrue(label.contains(" OV copying scores: 0.0 "), label);
        WebElement readout = figure.findElement(By.cssSelector("output"));
        assertTrue(readout.getText().startsWith("Point at a cell"), readout.getText());

        String k = pixels();
        new Select(figure.findElement(By.cssSelector("select[id$=-kind]"))).selectByValue("v");
        wait.until(d -> canvas.getAttribute("aria-label").startsWith("V-composition"));
        assertNotEquals(k, pixels(), "the V table is drawn");
        wait.until(d -> d.getCurrentUrl().endsWith("#fig-composition:kind=v&sender=0." + pair[0] + "&receiver=1." + pair[1]));

        String before = pixels();
        canvas.sendKeys(Keys.ARROW_DOWN, Keys.ARROW_RIGHT); // focus puts the cursor on (0, 0); then (1, 1)
        wait.until(d -> readout.getText().startsWith("through 0." + pair[0] + " then 1." + pair[1]
                + ", \"be\" raises the logit of \"be\" by "));
        assertTrue(readout.getText().endsWith("(diagonal)"), readout.getText());
        assertNotEquals(before, pixels(), "the cursor is drawn");
        wait.until(d -> d.getCurrentUrl().endsWith("&cell=1.1"));

        int next = (pair[1] + 1) % 2;
        canvas.sendKeys(Keys.PAGE_DOWN);
        wait.until(d -> ("1." + next).equals(selected(figure, "receiver")));
        wait.until(d -> canvas.getAttribute("aria-label").startsWith("V-composition: head 0." + pair[0] + " into head 1."
                + next));

        // a click on the score matrix's cell (0.s, 1.r) chooses that pair (wide: the figure is wider than 660 px)
        int sender = 1 - pair[0];
        List<?> rect = (List<?>) ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();"
                + "var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width];", canvas);
        double width = ((Number) rect.get(2)).doubleValue();
        assertTrue(width >= 660, "the wide arrangement: " + width);
        double scale = width / CompositionView.WIDTH;
        HookedTransformer model = jvmModel();
        CompositionView.Chosen any = CompositionView.choose(model, CompositionView.summary(model), "v", 0, 0);
        double[] at = CompositionView.pairCenter(any, false, sender, 0);
        new Actions(driver).moveToLocation((int) (((Number) rect.get(0)).doubleValue() + at[0] * scale),
                (int) (((Number) rect.get(1)).doubleValue() + at[1] * scale)).click().perform();
        wait.until(d -> ("0." + sender).equals(selected(figure, "sender")) && "1.0".equals(selected(figure, "receiver")));
        wait.until(d -> canvas.getAttribute("aria-label").startsWith("V-composition: head 0." + sender + " into head 1.0"));
        wait.until(d -> d.getCurrentUrl().contains("#fig-composition:kind=v&sender=0." + sender + "&receiver=1.0"));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("a state in the URL fragment comes back: kind, pair and cursor")
    void urlState() {
        WebElement figure = open("#fig-composition:kind=q&sender=0.1&receiver=1.0&cell=2.3");
        assertEquals("q", selected(figure, "kind"));
        assertEquals("0.1", selected(figure, "sender"));
        assertEquals("1.0", selected(figure, "receiver"));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> readout.getText().startsWith(
                "head 1.0: a query where 0.1 saw \"bi\" scores key \"bo\" at "));
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    private static HookedTransformer jvmModel() {
        try {
            return HookedTransformer.fromWeights(SafeTensors.fromBytes(
                    Files.readAllBytes(site.weights("tiny2", "final.safetensors"))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
