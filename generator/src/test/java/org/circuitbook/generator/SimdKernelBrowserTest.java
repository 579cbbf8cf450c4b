package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.serve.DevServer;
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
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The widgets' WebAssembly SIMD matrix kernel (widgets' {@code browser.SimdProduct} over {@code tensor.SimdModule})
 * in real headless Chromium, on the sae-explorer widget, whose encoder and decoder are its products: the page
 * compiles it under the site's Content-Security-Policy, it passes its own check against float-by-float
 * arithmetic, and the SAE's latents it computes are the JVM's to the last bit (TeaVM's JavaScript loops, which keep
 * a sum in double precision, differ in the last bits). A browser without WebAssembly keeps the Java loops, within
 * the usual tolerance.
 */
@DisplayName("The widgets' WebAssembly SIMD kernel in headless Chromium")
class SimdKernelBrowserTest {
    static FixtureSite site;
    static DevServer server;
    static ChromeDriver driver;
    static Path work;
    /** How many latent rows' top activations each test compares. */
    static final int ROWS = 6;

    /**
     * An SAE whose encoder sums 24 terms per latent, so that TeaVM's JavaScript loops (a sum held in double
     * precision, rounded once) and float arithmetic (rounded at every term) often differ in the last bit.
     */
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
            :d_sae: 64
            :l1: 0.3
            :label: fig-sae
            Decoder directions against the true features.
            :::
            -- content/models/saes.yaml --
            model: {kind: sae-toy, d_sae: [64], l1_coefficients: [0.3]}
            data: {n_features: 48, d_in: 24, feature_probability: 0.05}
            trainer: {steps: 150, batch_size: 256, learning_rate: 0.01}
            """;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        work = dir;
        site = FixtureSite.write(dir, SITE);
        site.build();
        server = DevServer.start(site.site(), 0);
        driver = WidgetBrowserTest.chromium(dir.resolve("with-wasm"));
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

    /** The chapter's SAE (64 latents, L1 0.3) as the JVM measures it from the published files. */
    static SaeExplorerView.Run jvmRun() throws Exception {
        return SaeExplorerBrowserTest.jvmRun(site, 64, "0.3");
    }

    /**
     * Opens the chapter, selects the first {@code rows} latent rows in turn (Home, then the down arrow) and returns,
     * for each of their top-activating inputs as listed, the browser's value of the latent against the JVM's.
     */
    private static List<double[]> browserAgainstJvm(ChromeDriver chrome, int rows) throws Exception {
        WebElement figure = WidgetBrowserTest.openFigure(chrome, server.url() + "sae.html", "sae-explorer");
        WebDriverWait wait = new WebDriverWait(chrome, Duration.ofSeconds(20));
        SaeExplorerView.Run run = jvmRun();
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        WebElement summary = figure.findElement(By.cssSelector(".widget-latent-summary"));
        List<double[]> pairs = new java.util.ArrayList<>();
        for (int row = 0; row < rows; row++) {
            int latent = run.latentAt(row);
            canvas.sendKeys(row == 0 ? Keys.HOME : Keys.ARROW_DOWN);
            wait.until(d -> summary.getText().equals(SaeExplorerView.latentSummary(run, latent)));
            List<SaeExplorerView.TopBar> bars = SaeExplorerView.topBars(run, latent);
            List<WebElement> items = figure.findElements(By.cssSelector("ol.widget-bars li"));
            assertEquals(bars.size(), items.size());
            for (int k = 0; k < bars.size(); k++) {
                pairs.add(new double[] {Double.parseDouble(items.get(k).getAttribute("data-value")),
                    run.evaluation().latents().get(bars.get(k).input(), latent)});
            }
        }
        assertTrue(pairs.size() >= 20, "enough latents' values to compare: " + pairs.size());
        return pairs;
    }

    private static String kernel(ChromeDriver chrome) {
        return (String) ((JavascriptExecutor) chrome).executeScript(
                "return document.documentElement.getAttribute('data-kernel');");
    }

    @Test
    @DisplayName("compiles under the site's CSP, passes its self-check, and gives the SAE's latents bit for bit as the JVM")
    void kernelGivesTheJvmFloats() throws Exception {
        List<double[]> pairs = browserAgainstJvm(driver, ROWS);
        assertEquals("wasm-simd", kernel(driver), "the kernel compiled and passed its check against float arithmetic");
        for (double[] pair : pairs) {
            assertEquals(pair[1], pair[0], 0.0, "the browser's latent is the JVM's float");
        }
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors, no CSP violation");
    }

    @Test
    @DisplayName("without WebAssembly the page keeps the Java loops: the same figure within 1e-6, no console errors")
    void withoutWebAssemblyTheLoops() throws Exception {
        ChromeDriver plain = WidgetBrowserTest.chromium(work.resolve("without-wasm"));
        try {
            plain.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument",
                    Map.of("source", "delete window.WebAssembly;"));
            List<double[]> pairs = browserAgainstJvm(plain, ROWS);
            assertEquals("js", kernel(plain));
            assertTrue((Boolean) ((JavascriptExecutor) plain).executeScript("return typeof WebAssembly === 'undefined';"));
            for (double[] pair : pairs) {
                assertEquals(pair[1], pair[0], 1e-6, "the browser's latent, within TeaVM's rounding of the JVM's");
            }
            assertEquals(List.of(), WidgetBrowserTest.problems(plain));
        } finally {
            plain.quit();
        }
    }
}
