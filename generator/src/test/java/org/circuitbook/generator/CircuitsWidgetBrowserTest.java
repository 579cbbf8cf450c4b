package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.serve.DevServer;
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

/** The circuits widget on a tiny one-layer attention-only model, in real headless Chromium. */
@DisplayName("Circuits widget in headless Chromium")
class CircuitsWidgetBrowserTest {
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
            -- content/models/tiny.yaml --
            model: {kind: attention-only, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, n_ctx: 8}
            data: {vocab: 12, successors: 2, repeat_probability: 1.0, segment_min: 2, segment_max: 4}
            trainer: {steps: 60, batch_size: 16, learning_rate: 0.01}
            """;

    static DevServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        FixtureSite site = FixtureSite.write(work, SITE);
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

    private String pixels() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector('figure[data-widget] canvas').toDataURL();");
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
        assertTrue(driver.getCurrentUrl().endsWith("#fig-circuits:view=ov.1&cell=1.1"), driver.getCurrentUrl());

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
        assertTrue(readout.getText().contains("(language: "), "the true bigram probability is shown: " + readout.getText());
        assertEquals(List.of(), WidgetBrowserTest.problems(driver));
    }

    @Test
    @DisplayName("without JavaScript: the build-time drawing of the chapter's table and its description")
    void staticFallback() {
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        try {
            driver.get(server.url() + "circuits.html");
            WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=circuits]"));
            assertTrue(figure.findElement(By.cssSelector(".widget-fallback svg")).isDisplayed());
            assertTrue(figure.findElement(By.cssSelector(".widget-description")).getText()
                    .startsWith("Head 0.1 full OV circuit: what attending to a token writes, a 12 by 12 heatmap"));
        } finally {
            driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        }
    }
}
