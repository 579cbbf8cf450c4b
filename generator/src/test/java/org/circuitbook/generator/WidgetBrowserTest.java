package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
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
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The built chapter in real headless Chromium: the TeaVM bundle mounts the widget, fetches the trained
 * weights, and redraws when the reader moves the slider with the keyboard, with nothing on the console.
 * Needs Debian's chromium and chromium-driver (see .ci/run); the driver path is set explicitly, so
 * Selenium never tries to download one.
 */
@DisplayName("The superposition widget in headless Chromium")
public class WidgetBrowserTest {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    static DevServer server;
    static ChromeDriver driver;

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        FixtureSite site = FixtureSite.copyOf(BuildFixtureSiteTest.FIXTURE, work);
        site.build();
        server = DevServer.start(site.site(), 0);
        driver = chromium(work);
    }

    /**
     * Headless Debian Chromium through the system chromedriver (nothing is downloaded), logging the browser
     * console, with every page's uncaught errors and rejections collected in {@code window.__errors};
     * {@code extraArguments} go to Chromium too (the widget benchmark sets the device pixel ratio).
     */
    public static ChromeDriver chromium(Path work, String... extraArguments) throws java.io.IOException {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException("browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + ": apt-get install -y chromium chromium-driver (as .ci/run does)");
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,900",
                "--user-data-dir=" + Files.createDirectories(work.resolve("chromium-profile")));
        options.addArguments(extraArguments);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        ChromeDriver chrome = new ChromeDriver(service, options) {
            /**
             * chromedriver's get sometimes returns before the page it opens has loaded: measured here, 2 of 10
             * loads of a 97 kB chapter returned with {@code document.readyState} "loading" and no figure in the
             * DOM, and CI once saw a get return on the page before. This waits (up to 30 s) until the document
             * is the one asked for, or at least no longer the one before, and has loaded.
             */
            @Override
            public void get(String url) {
                String before = withoutFragment(getCurrentUrl());
                super.get(url);
                String wanted = withoutFragment(url);
                long deadline = System.nanoTime() + 30_000_000_000L;
                while (System.nanoTime() < deadline) {
                    Object state = executeScript("return document.readyState + ' ' + location.href;");
                    String s = String.valueOf(state);
                    int space = s.indexOf(' ');
                    String href = withoutFragment(s.substring(space + 1));
                    if (s.startsWith("complete ") && (href.equals(wanted) || !href.equals(before))) {
                        return;
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        };
        // record uncaught errors and rejections from the very first script on
        chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.__errors = [];"
                        + "window.addEventListener('error', e => window.__errors.push(String(e.message)));"
                        + "window.addEventListener('unhandledrejection', e => window.__errors.push(String(e.reason)));"));
        return chrome;
    }

    private static String withoutFragment(String url) {
        int hash = url == null ? -1 : url.indexOf('#');
        return hash < 0 ? String.valueOf(url) : url.substring(0, hash);
    }

    /**
     * Opens {@code url} afresh in {@code chrome}, brings its {@code widget} figure into view, waits for it to mount
     * (ready, or error, which fails with the figure's text) and returns the figure.
     */
    public static WebElement openFigure(ChromeDriver chrome, String url, String widget) {
        chrome.get("about:blank"); // the page before runs no more timers (a pending fragment write) into this load
        chrome.get(url);
        By selector = By.cssSelector("figure[data-widget=" + widget + "]");
        WebElement figure = new WebDriverWait(chrome, Duration.ofSeconds(20)).until(d -> d.findElements(selector).stream()
                .findFirst().orElse(null));
        ((JavascriptExecutor) chrome).executeScript("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(chrome, Duration.ofSeconds(20)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        return figure;
    }

    /**
     * The static drawings (SVG text) of the widget figures in {@code html}, a page of the site in folder {@code site},
     * in page order: the build publishes each as a file of its own that the figure shows as an image
     * ({@code <img class="widget-drawing ...">}, RenderContext.drawingImage).
     */
    public static List<String> staticDrawings(Path site, String html) throws java.io.IOException {
        List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher img = java.util.regex.Pattern.compile("<img class=\"widget-drawing[^\"]*\" src=\"([^\"]+)\"")
                .matcher(html);
        while (img.find()) {
            out.add(Files.readString(site.resolve(img.group(1))));
        }
        return out;
    }

    /** The SVG text of the static drawing {@code img} (an {@code img.widget-drawing}), fetched by the page open in {@code chrome}. */
    public static String drawingSvg(ChromeDriver chrome, WebElement img) {
        return (String) ((JavascriptExecutor) chrome).executeAsyncScript("var done = arguments[arguments.length - 1];"
                + " fetch(arguments[0].src).then(function (r) { return r.text(); }).then(done, function (e) { done('failed: ' + e); });",
                img);
    }

    /** The first widget canvas of the page, as a data URL: compared before and after an input. */
    public static String pixels(ChromeDriver chrome) {
        return (String) ((JavascriptExecutor) chrome).executeScript(
                "return document.querySelector('figure[data-widget] canvas').toDataURL();");
    }

    /** Uncaught page errors, and console messages at warning level or above, since the last call. */
    public static List<String> problems(ChromeDriver chrome) {
        List<String> out = new java.util.ArrayList<>();
        for (Object e : (List<?>) ((JavascriptExecutor) chrome).executeScript("return window.__errors || [];")) {
            out.add("uncaught: " + e);
        }
        // Chromium's own pages (chrome://resources/..., e.g. "TrustedTypePolicy ... no longer runnable" from its lit
        // bundle, seen in CI on 2026-12-04) log into the same browser log; they are not the book's
        chrome.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
                .filter(e -> !e.getMessage().startsWith("chrome://")).map(LogEntry::toString).forEach(out::add);
        return out;
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

    private String canvasPixels() {
        return (String) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector('figure[data-widget] canvas').toDataURL();");
    }

    @Test
    @DisplayName("mounts, redraws when the slider moves by keyboard, and logs no errors")
    void mountsAndResponds() {
        driver.get(server.url() + "toy.html");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=superposition]"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", figure);
        wait.until(d -> "ready".equals(figure.getAttribute("data-state")) || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());

        WebElement slider = figure.findElement(By.cssSelector("input[type=range]"));
        WebElement readout = figure.findElement(By.cssSelector("output"));
        WebElement label = figure.findElement(By.cssSelector("label"));
        assertEquals("Sparsity", label.getText());
        assertEquals(slider.getAttribute("id"), label.getAttribute("for"), "the slider is labelled");
        assertEquals("0.90", readout.getText(), "starts at the :sparsity: the chapter asked for");
        assertTrue(figure.findElement(By.cssSelector(".widget-fallback")).getAttribute("hidden") != null,
                "the static fallback is hidden once the live figure is up");
        String before = canvasPixels();
        String ariaBefore = figure.findElement(By.cssSelector("canvas")).getAttribute("aria-label");
        assertTrue(ariaBefore.startsWith("Toy model trained at sparsity 0.90: "), ariaBefore);
        String svgTitle = (String) ((JavascriptExecutor) driver).executeScript(
                "return document.querySelector('.widget-fallback .widget-drawing').alt;");
        assertEquals(ariaBefore, svgTitle, "the build-time drawing shows the state the live figure starts in");

        slider.sendKeys(Keys.ARROW_LEFT);
        wait.until(d -> readout.getText().equals("0.00"));
        wait.until(d -> d.getCurrentUrl().endsWith("toy.html#widget-1:sparsity=0.00"));
        String after = canvasPixels();
        assertNotEquals(before, after, "the canvas was redrawn for the other model");
        assertTrue(figure.findElement(By.cssSelector("canvas")).getAttribute("aria-label")
                .startsWith("Toy model trained at sparsity 0.00: "));

        slider.sendKeys(Keys.ARROW_RIGHT);
        wait.until(d -> readout.getText().equals("0.90"));
        assertEquals(before, canvasPixels(), "moving back redraws the first model exactly");

        assertEquals(List.of(), problems(driver), "no uncaught errors, no console errors or warnings");
    }

    @Test
    @DisplayName("follows the system's dark theme, switches with the header's toggle, keeps the choice, and repaints")
    void darkMode() {
        JavascriptExecutor js = driver;
        driver.get("about:blank");
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            driver.get(server.url() + "toy.html");
            js.executeScript("localStorage.clear();");
            driver.navigate().refresh();
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            assertEquals("rgb(22, 24, 29)", js.executeScript("return getComputedStyle(document.body).backgroundColor;"),
                    "the page is dark with the system");
            WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=superposition]"));
            js.executeScript("arguments[0].scrollIntoView();", figure);
            wait.until(d -> "ready".equals(figure.getAttribute("data-state")));
            assertEquals(List.of(22L, 24L, 29L), canvasGround(), "the widget paints on the dark paper");
            String dark = canvasPixels();

            WebElement toggle = driver.findElement(By.id("theme-toggle"));
            assertEquals("true", toggle.getAttribute("aria-pressed"));
            toggle.click();
            assertEquals("light", js.executeScript("return document.documentElement.dataset.theme;"));
            assertEquals("false", toggle.getAttribute("aria-pressed"));
            wait.until(d -> canvasGround().equals(List.of(255L, 255L, 255L)));
            assertEquals("rgb(255, 255, 255)", js.executeScript("return getComputedStyle(document.body).backgroundColor;"));
            assertNotEquals(dark, canvasPixels(), "the whole drawing was repainted, not only the ground");

            driver.navigate().refresh();
            assertEquals("light", js.executeScript("return document.documentElement.dataset.theme;"),
                    "the reader's choice outlives the page, over the system's preference");
            WebElement again = driver.findElement(By.cssSelector("figure[data-widget=superposition]"));
            js.executeScript("arguments[0].scrollIntoView();", again);
            wait.until(d -> "ready".equals(again.getAttribute("data-state")));
            assertEquals(List.of(255L, 255L, 255L), canvasGround(), "a widget mounts in the chosen theme");
            driver.findElement(By.id("theme-toggle")).click();
            wait.until(d -> canvasGround().equals(List.of(22L, 24L, 29L)));
            assertEquals(dark, canvasPixels(), "back in the dark theme, the same drawing as before");
            assertEquals(List.of(), problems(driver), "no console errors");
        } finally {
            js.executeScript("localStorage.clear();");
            driver.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
    }

    private List<?> canvasGround() {
        return (List<?>) ((JavascriptExecutor) driver).executeScript(
                // a copy, read once: repeated reads of the widget's own canvas make Chromium warn
                "const copy = document.createElement('canvas'); copy.width = 4; copy.height = 4;"
                        + "const g = copy.getContext('2d');"
                        + "g.drawImage(document.querySelector('figure[data-widget] canvas'), 0, 0);"
                        + "return Array.from(g.getImageData(1, 1, 1, 1).data).slice(0, 3);");
    }

    /** The fixture's toy.html afresh, its superposition figure scrolled into view and mounted. */
    private WebElement openToyFigure(WebDriverWait wait) {
        driver.get("about:blank");
        driver.get(server.url() + "toy.html");
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=superposition]"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", figure);
        wait.until(d -> "ready".equals(figure.getAttribute("data-state")));
        return figure;
    }

    @Test
    @DisplayName("trains a fresh model in the page, redrawing as it learns; restarts on a new sparsity; pauses off screen")
    void trainsLive() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        WebElement figure = openToyFigure(wait);
        JavascriptExecutor js = driver;
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        WebElement button = figure.findElement(By.cssSelector("button[aria-pressed]"));
        assertEquals("Train a fresh model here", button.getText());
        button.click();
        assertEquals("true", button.getAttribute("aria-pressed"));
        wait.until(d -> canvas.getAttribute("data-steps") != null && Integer.parseInt(canvas.getAttribute("data-steps")) >= 50);
        String early = canvasPixels();
        wait.until(d -> "3000".equals(canvas.getAttribute("data-steps")));
        assertNotEquals(early, canvasPixels(), "the drawing follows the training");
        String aria = canvas.getAttribute("aria-label");
        // the chapter's figure starts at S = 0.9: the live model trains there too, and superposes 4 or 5 features
        assertTrue(aria.matches("Trained live in this page, step 3000 of 3000, loss 0\\.\\d{4}\\. Toy model trained at "
                + "sparsity 0\\.90: [45] of 5 features have a direction of length above 0\\.5 in 2 dimensions.*"), aria);
        wait.until(d -> d.getCurrentUrl().endsWith("#widget-1:sparsity=0.90&live=1&s=0.9&decay=0.9&shape=5x2"));

        WebElement live = figure.findElement(By.cssSelector("input[id$=live-sparsity]"));
        live.sendKeys(Keys.HOME); // dense features: a fresh run, which keeps only the two most important
        wait.until(d -> canvas.getAttribute("aria-label").contains("sparsity 0.00")
                && "3000".equals(canvas.getAttribute("data-steps")));
        assertTrue(canvas.getAttribute("aria-label").contains(": 2 of 5 features have a direction of length above 0.5 "
                + "in 2 dimensions (features 0, 1)."), canvas.getAttribute("aria-label"));

        // changed mid-training, by keyboard and by pointer: the new run trains (it froze at step 0 of 3000)
        live.sendKeys(Keys.END);
        wait.until(d -> canvas.getAttribute("aria-label").contains("sparsity 0.99")
                && Integer.parseInt(canvas.getAttribute("data-steps")) >= 50);
        for (Keys key : List.of(Keys.ARROW_LEFT, Keys.ARROW_LEFT)) {
            int before = Integer.parseInt(canvas.getAttribute("data-steps"));
            assertTrue(before < 3000, "still training when the setting changes");
            live.sendKeys(key);
            wait.until(d -> Integer.parseInt(canvas.getAttribute("data-steps")) >= 50
                    && !canvas.getAttribute("aria-label").contains("sparsity 0.99"));
        }
        WebElement decay = figure.findElement(By.cssSelector("input[id$=-decay]"));
        new org.openqa.selenium.interactions.Actions(driver).moveToElement(decay, -decay.getSize().getWidth() / 2 + 3, 0)
                .click().perform();
        wait.until(d -> Integer.parseInt(canvas.getAttribute("data-steps")) >= 50
                && canvas.getAttribute("aria-label").startsWith("Trained live in this page"));
        wait.until(d -> "3000".equals(canvas.getAttribute("data-steps")));

        // off screen, training pauses; back on screen, it goes on
        new org.openqa.selenium.support.ui.Select(figure.findElement(By.cssSelector("select[id$=live-shape]")))
                .selectByValue("8x2");
        wait.until(d -> Integer.parseInt(canvas.getAttribute("data-steps")) > 0);
        js.executeScript("arguments[0].style.position = 'fixed'; arguments[0].style.top = '-5000px';", figure);
        wait.until(d -> figure.findElement(By.cssSelector("output.widget-readout")).getAttribute("textContent")
                .endsWith("(paused off screen)"));
        String paused = canvas.getAttribute("data-steps");
        js.executeScript("return new Promise(r => setTimeout(r, 500));");
        assertEquals(paused, canvas.getAttribute("data-steps"), "no training while off screen");
        js.executeScript("arguments[0].style.position = ''; arguments[0].style.top = ''; arguments[0].scrollIntoView();", figure);
        wait.until(d -> "3000".equals(canvas.getAttribute("data-steps")));
        assertTrue(canvas.getAttribute("aria-label").contains("of 8 features"), canvas.getAttribute("aria-label"));

        button.click();
        assertEquals("false", button.getAttribute("aria-pressed"));
        assertTrue(canvas.getAttribute("aria-label").startsWith("Toy model trained at sparsity 0.90: "), "the build's model again");
        assertEquals(List.of(), problems(driver));
    }

    @Test
    @DisplayName("two modes: the live model's controls show only while it trains; pause, resume and restart; its loss curve")
    void pauseRestartAndModes() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        WebElement figure = openToyFigure(wait);
        JavascriptExecutor js = driver;
        WebElement canvas = figure.findElement(By.cssSelector("canvas"));
        WebElement liveSparsity = figure.findElement(By.cssSelector("input[id$=live-sparsity]"));
        WebElement sparkline = figure.findElement(By.cssSelector(".widget-sparkline"));
        java.util.function.Function<String, WebElement> button = text -> figure.findElements(By.cssSelector("button"))
                .stream().filter(b -> b.getText().equals(text)).findFirst().orElseThrow(() -> new AssertionError("no " + text));
        // the build's models: only their slider; the live model's controls and curve are not shown
        assertFalse(liveSparsity.isDisplayed(), "the live model's sparsity is hidden while the build's models are shown");
        assertFalse(sparkline.isDisplayed());
        assertTrue(figure.findElements(By.cssSelector("button")).stream().noneMatch(b -> b.isDisplayed()
                && (b.getText().equals("Pause") || b.getText().equals("Restart"))));

        button.apply("Train a fresh model here").click();
        assertTrue(liveSparsity.isDisplayed(), "training: its controls appear");
        wait.until(d -> Integer.parseInt(canvas.getAttribute("data-steps")) >= 200);
        assertTrue(sparkline.isDisplayed());
        int points = ((Number) js.executeScript("return arguments[0].querySelector('polyline').points.numberOfItems;",
                sparkline)).intValue();
        assertTrue(points >= 8, "a point per frame of training: " + points);

        WebElement pause = button.apply("Pause");
        pause.click();
        assertEquals("true", pause.getAttribute("aria-pressed"));
        assertEquals("Resume", pause.getText());
        String held = canvas.getAttribute("data-steps");
        js.executeScript("return new Promise(r => setTimeout(r, 500));");
        assertEquals(held, canvas.getAttribute("data-steps"), "no training while paused");
        assertTrue(figure.findElement(By.cssSelector("output.widget-readout")).getAttribute("textContent").endsWith("(paused)"));
        wait.until(d -> d.getCurrentUrl().contains("&paused=1"));
        pause.click();
        wait.until(d -> Integer.parseInt(canvas.getAttribute("data-steps")) > Integer.parseInt(held));

        int before = Integer.parseInt(canvas.getAttribute("data-steps"));
        button.apply("Restart").click();
        assertTrue(Integer.parseInt(canvas.getAttribute("data-steps")) < before, "a restart begins at step 0");
        wait.until(d -> Integer.parseInt(canvas.getAttribute("data-steps")) >= 50);

        button.apply("Show the build's models").click();
        assertFalse(liveSparsity.isDisplayed());
        assertTrue(canvas.getAttribute("aria-label").startsWith("Toy model trained at sparsity"));
        assertEquals(List.of(), problems(driver));
    }

    @Test
    @DisplayName("a link with a figure's state in its fragment opens the figure in that state")
    void sharedState() {
        driver.get("about:blank");
        driver.get(server.url() + "toy.html#widget-1:sparsity=0.00");
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=superposition]"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "ready".equals(figure.getAttribute("data-state")));
        assertEquals("0.00", figure.findElement(By.cssSelector("output")).getText());
        assertTrue(figure.findElement(By.cssSelector("canvas")).getAttribute("aria-label")
                .startsWith("Toy model trained at sparsity 0.00: "));
    }

    @Test
    @DisplayName("a figure far below the fold waits (neither the bundle nor weights fetched), and mounts when scrolled near")
    void lazyMount() throws Exception {
        String figure = Files.readString(server.root().resolve("toy.html"));
        int start = figure.indexOf("<figure class=\"widget");
        int end = figure.indexOf("</figure>", start) + "</figure>".length();
        String html = "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><link rel=icon href=favicon.svg>"
                + "<title>t</title></head><body><div style='height:5000px'>spacer</div>" + figure.substring(start, end)
                + "<script src='assets/boot.js' data-bundle='assets/widgets.js'></script></body></html>";
        Files.writeString(server.root().resolve("lazy.html"), html);
        driver.get(server.url() + "lazy.html");
        WebElement fig = driver.findElement(By.cssSelector("figure[data-widget]"));
        Thread.sleep(500); // give a wrongly eager load time to start fetching
        String fetched = "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
                + ".filter(function (n) { return /widgets\\.js$|\\.safetensors$/.test(n); }).length;";
        assertEquals(0L, driver.executeScript(fetched), "neither the bundle nor weights fetched for a figure out of sight");
        assertEquals(null, fig.getAttribute("data-state"), "the static figure, untouched");
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", fig);
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "ready".equals(fig.getAttribute("data-state")));
        assertTrue((Long) driver.executeScript(fetched) >= 2, "the bundle and the weights, once in sight");
        assertEquals(List.of(), problems(driver));
    }

    @Test
    @DisplayName("a bundle that cannot be loaded leaves the static figure in place, marked as an error")
    void bundleMissing() throws Exception {
        String figure = Files.readString(server.root().resolve("toy.html"));
        int start = figure.indexOf("<figure class=\"widget");
        int end = figure.indexOf("</figure>", start) + "</figure>".length();
        String html = "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><link rel=icon href=favicon.svg>"
                + "<title>t</title></head><body>" + figure.substring(start, end)
                + "<script src='assets/boot.js' data-bundle='assets/no-such-bundle.js'></script></body></html>";
        Files.writeString(server.root().resolve("no-bundle.html"), html);
        driver.get(server.url() + "no-bundle.html");
        WebElement fig = driver.findElement(By.cssSelector("figure[data-widget]"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "error".equals(fig.getAttribute("data-state")));
        assertTrue(fig.findElement(By.cssSelector(".widget-fallback .widget-drawing")).isDisplayed(), "the static drawing stays");
        List<String> problems = problems(driver);
        assertTrue(problems.stream().anyMatch(p -> p.contains("could not load") && p.contains("no-such-bundle.js")),
                problems.toString());
    }

    @Test
    @DisplayName("without JavaScript the figure shows the build-time drawing of the trained model and its description")
    void staticFallbackWithoutJavaScript() throws Exception {
        driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", true));
        try {
            driver.get(server.url() + "toy.html");
            WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=superposition]"));
            WebElement img = figure.findElement(By.cssSelector(".widget-fallback .widget-drawing"));
            assertTrue(img.isDisplayed(), "the fallback drawing is visible");
            assertTrue(img.getSize().getWidth() > 300, "drawn at a readable size: " + img.getSize());
            new org.openqa.selenium.interactions.Actions(driver).scrollToElement(img).perform(); // it loads near the window
            new WebDriverWait(driver, Duration.ofSeconds(10)).until(d -> "true".equals(img.getDomProperty("complete")));
            assertTrue(Integer.parseInt(img.getDomProperty("naturalWidth")) > 0, "the drawing loaded");
            String svg = staticDrawings(server.root(), Files.readString(server.root().resolve("toy.html"))).get(0);
            assertTrue(svg.split("<line ").length > 6, "the feature arrows are drawn");
            String description = figure.findElement(By.cssSelector(".widget-description")).getText();
            assertTrue(description.startsWith("Toy model trained at sparsity 0.90: "), description);
            assertEquals(null, figure.getAttribute("data-state"), "nothing mounted");
            assertTrue(figure.findElements(By.cssSelector("canvas")).isEmpty());
        } finally {
            driver.executeCdpCommand("Emulation.setScriptExecutionDisabled", Map.of("value", false));
        }
    }

    @Test
    @DisplayName("reports a missing weights file in the figure and on the console, instead of failing silently")
    void missingWeights() throws Exception {
        // a page whose figure points at weights that do not exist
        String html = "<!DOCTYPE html><html lang=en><head><link rel=icon href=favicon.svg><title>t</title></head><body>"
                + "<figure data-widget=superposition data-weights='models/nope.safetensors'></figure>"
                + "<script src='assets/widgets.js'></script><script>main([]);</script></body></html>";
        Files.writeString(server.root().resolve("broken.html"), html);
        driver.get(server.url() + "broken.html");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = driver.findElement(By.cssSelector("figure"));
        wait.until(d -> "error".equals(figure.getAttribute("data-state")));
        assertEquals("Could not load the model weights (HTTP 404 fetching models/nope.safetensors).",
                figure.findElement(By.cssSelector(".widget-error")).getText());
        assertTrue(driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .anyMatch(e -> e.getMessage().contains("circuitbook widget: Could not load the model weights")));
    }

    @Test
    @DisplayName("says which widget lacks its final weights when a figure lists none")
    void noFinalWeights() {
        String html = "<!DOCTYPE html><html lang=en><head><link rel=icon href=favicon.svg><title>t</title></head><body>"
                + "<figure data-widget=circuits data-weights='models/x/checkpoint-0.safetensors'></figure>"
                + "<script src='assets/widgets.js'></script><script>main([]);</script></body></html>";
        try {
            Files.writeString(server.root().resolve("no-final.html"), html);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        driver.get(server.url() + "no-final.html");
        WebElement figure = driver.findElement(By.cssSelector("figure"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "error".equals(figure.getAttribute("data-state")));
        assertEquals("circuits widget: the figure lists no final.safetensors in data-weights.",
                figure.findElement(By.cssSelector(".widget-error")).getText());
        // also on the console (reading the log empties it, so the next test starts clean)
        assertTrue(problems(driver).stream().anyMatch(p -> p.contains("circuitbook widget: circuits widget: the figure "
                + "lists no final.safetensors")));
    }

    @Test
    @DisplayName("refuses a malformed weights file with the validator's sentence, in the figure and on the console")
    void malformedWeights() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-weights=\"([^ \"]+)")
                .matcher(Files.readString(server.root().resolve("toy.html")));
        assertTrue(m.find());
        byte[] bytes = Files.readAllBytes(server.root().resolve(m.group(1)));
        String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        // b_final's bytes moved onto W's: same lengths, so the header stays the same size
        Files.writeString(server.root().resolve("models/toy/overlap.safetensors"),
                text.replace("\"data_offsets\":[40,60]", "\"data_offsets\":[20,40]"), java.nio.charset.StandardCharsets.ISO_8859_1);
        String html = "<!DOCTYPE html><html lang=en><head><link rel=icon href=favicon.svg><title>t</title></head><body>"
                + "<figure data-widget=superposition data-weights='models/toy/overlap.safetensors'></figure>"
                + "<script src='assets/widgets.js'></script><script>main([]);</script></body></html>";
        Files.writeString(server.root().resolve("overlap.html"), html);
        driver.get(server.url() + "overlap.html");
        WebElement figure = driver.findElement(By.cssSelector("figure"));
        new WebDriverWait(driver, Duration.ofSeconds(20)).until(d -> "error".equals(figure.getAttribute("data-state")));
        String expected = "Could not load the model weights (safetensors: tensor \"b_final\" (bytes 20 to 40) overlaps"
                + " tensor \"W\" (bytes 0 to 40) in models/toy/overlap.safetensors).";
        assertEquals(expected, figure.findElement(By.cssSelector(".widget-error")).getText());
        assertTrue(figure.findElements(By.cssSelector("canvas")).isEmpty(), "nothing drawn from the bad file");
        List<String> problems = problems(driver); // the console escapes the quotes
        assertTrue(problems.stream().anyMatch(p -> p.contains("circuitbook widget: Could not load the model weights"
                + " (safetensors: tensor ") && p.contains(" (bytes 20 to 40) overlaps tensor ")), problems.toString());
    }

    @Test
    @DisplayName("refuses a weights file whose bytes do not match the SHA-256 the page gives for it")
    void tamperedWeights() throws Exception {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("data-weights=\"([^ \"]+)[^\"]*\" data-integrity=\"([^ \"]+)")
                .matcher(Files.readString(server.root().resolve("toy.html")));
        assertTrue(m.find());
        byte[] bytes = Files.readAllBytes(server.root().resolve(m.group(1)));
        bytes[bytes.length - 1] ^= 1; // one bit of the last weight
        Files.write(server.root().resolve("models/toy/tampered.safetensors"), bytes);
        String html = "<!DOCTYPE html><html lang=en><head><link rel=icon href=favicon.svg><title>t</title></head><body>"
                + "<figure data-widget=superposition data-weights='models/toy/tampered.safetensors' data-integrity='"
                + m.group(2) + "'></figure><script src='assets/widgets.js'></script><script>main([]);</script></body></html>";
        Files.writeString(server.root().resolve("tampered.html"), html);
        driver.get(server.url() + "tampered.html");
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        WebElement figure = driver.findElement(By.cssSelector("figure"));
        wait.until(d -> "error".equals(figure.getAttribute("data-state")));
        assertEquals("Could not load the model weights (could not fetch models/toy/tampered.safetensors: a network error, "
                + "or its contents do not match the SHA-256 checksum in the page).",
                figure.findElement(By.cssSelector(".widget-error")).getText());
        assertTrue(driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .anyMatch(e -> e.getMessage().contains("Failed to find a valid digest in the 'integrity' attribute")),
                "Chromium itself reports the integrity failure");
    }
}
