package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.LiveFigure;
import org.circuitbook.widgets.widget.ModelFile;
import org.circuitbook.widgets.widget.WeightFiles;
import org.circuitbook.widgets.widget.Widget;
import org.circuitbook.widgets.widget.WidgetOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The widget contract, in real headless Chromium, over every registered widget: each is placed on a page with
 * every option it declares set, and once it has mounted its figure says it read every one of them (an option the
 * live figure ignored would make the static drawing and the live one disagree); the static drawing the build made
 * (SVG, drawn on the JVM) and the live figure's first paint (canvas, drawn in the page by the same view code) show
 * the same picture, in the wide arrangement and (on a phone's width) the narrow one; and the description is there.
 * Its declared controls ({@link Widget#controls}, for the model the fixture trained) are sane on the JVM, each is on
 * the live page with its label and first value, and a state put in the URL fragment comes back in every one of them.
 * The list of widgets comes from {@link Widgets#BOOK}: a widget
 * without a case below fails {@link #everyRegisteredWidgetHasACase}.
 */
@DisplayName("The widget contract in headless Chromium")
class WidgetContractBrowserTest {
    /**
     * Mean absolute difference per colour channel (0-255) allowed between the static SVG and the live canvas, both
     * rasterised at the canvas's size and scaled down to a quarter of it: text and anti-aliased edges rasterise a
     * little differently in SVG and canvas (0.3 to 1.9 measured for the six widgets, wide and narrow); the same picture
     * mirrored, the control that the measure can tell two pictures apart, differs by 7.9 to 34.
     */
    static final double TOLERANCE = 3.0;

    /** Every registered widget's chapter: each declared option set (to a value other than its default). */
    static final Map<String, String> CASES = new LinkedHashMap<>();

    static {
        CASES.put("superposition", """
                :model: toy
                :sparsity: 0.9
                """);
        CASES.put("attention-patterns", """
                :model: tiny2
                """);
        CASES.put("circuits", """
                :model: tiny
                :view: ov
                :head: 1
                """);
        CASES.put("composition", """
                :model: tiny2
                :kind: v
                :sender: 0.1
                :receiver: 1.0
                """);
        CASES.put("activation-patching", """
                :model: tiny2
                :view: heads
                :metric: probability
                :direction: noise
                :mode: attribution
                :corrupt: previous
                """);
        CASES.put("logit-attribution", """
                :model: tiny2
                """);
        CASES.put("logit-lens", """
                :model: tiny2
                """);
        CASES.put("grokking", """
                :model: add
                """);
        CASES.put("sae-explorer", """
                :model: saes
                :d_sae: 16
                :l1: 1.0
                """);
        CASES.put("probe", """
                :model: oth
                :layer: 0
                :labelling: colour
                :moves: B1 A1
                """);
        CASES.put("steering", """
                :model: oth
                :layer: 0
                :moves: B1 A1
                """);
        CASES.put("fact-editing", """
                :model: facts
                :entity: 5
                :relation: 1
                :layer: 1
                :target: 3
                """);
    }

    static final String MODELS = """
            -- content/models/toy.yaml --
            model: {kind: toy-superposition, n_features: 5, d_hidden: 2}
            data: {importance_decay: 0.9, sparsities: [0, 0.9]}
            trainer: {steps: 200, batch_size: 64}
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
            -- content/models/saes.yaml --
            model: {kind: sae-toy, d_sae: [8, 16], l1_coefficients: [0.1, 1.0]}
            data: {n_features: 8, d_in: 4, feature_probability: 0.1}
            trainer: {steps: 150, batch_size: 256, learning_rate: 0.01}
            -- content/models/oth.yaml --
            model: {kind: othello, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
            data: {train_games: 200, test_games: 40}
            trainer: {steps: 30, batch_size: 32, learning_rate: 0.01, sae_latents: 32, sae_steps: 50}
            -- content/models/facts.yaml --
            model: {kind: fact-lookup, n_layers: 3, d_model: 24, d_mlp: 64}
            data: {entities: 16, relations: 4, attributes: 8}
            trainer: {steps: 400, learning_rate: 0.005}
            """;

    static FixtureSite site;
    static DevServer server;
    static ChromeDriver driver;

    /** The fixture: one chapter per case, each holding its widget with every option set. */
    static String site() {
        StringBuilder s = new StringBuilder("-- content/site.yaml --\ntitle: Contract\n");
        int n = 0;
        for (Map.Entry<String, String> c : CASES.entrySet()) {
            n++;
            s.append("-- content/chapters/0").append(n).append("-").append(c.getKey()).append(".md --\n")
                    .append("---\ntitle: ").append(c.getKey()).append("\n---\n# ").append(c.getKey()).append("\n\n")
                    .append(":::{widget} ").append(c.getKey()).append('\n').append(c.getValue())
                    .append("The ").append(c.getKey()).append(" widget with every option set.\n:::\n");
        }
        return s.append(MODELS).toString();
    }

    @BeforeAll
    static void start(@TempDir Path work) throws Exception {
        site = FixtureSite.write(work, site());
        site.build();
        server = DevServer.start(site.site(), 0);
        driver = WidgetBrowserTest.chromium(work, "--force-device-scale-factor=1");
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

    @Test
    @DisplayName("every registered widget has a case here, and every case is a registered widget")
    void everyRegisteredWidgetHasACase() {
        assertEquals(new TreeSet<>(Widgets.BOOK.names()), new TreeSet<>(CASES.keySet()));
    }

    @TestFactory
    @DisplayName("options round-trip, the static drawing equals the first live paint, the description is there")
    Stream<DynamicTest> contract() {
        return Widgets.BOOK.all().stream().filter(w -> CASES.containsKey(w.name()))
                .map(w -> DynamicTest.dynamicTest(w.name(), () -> check(w)));
    }

    /** The figure of {@code widget}'s page as the build wrote it: its attributes ({@code id}, {@code data-*}). */
    static Map<String, String> figureAttributes(Widget widget) {
        String html = site.read(widget.name() + ".html");
        Matcher figure = Pattern.compile("<figure[^>]*data-widget=\"" + Pattern.quote(widget.name()) + "\"[^>]*>").matcher(html);
        assertTrue(figure.find(), "the page holds the " + widget.name() + " figure");
        Map<String, String> attributes = new LinkedHashMap<>();
        Matcher a = Pattern.compile("([a-z0-9_-]+)=\"([^\"]*)\"").matcher(figure.group());
        while (a.find()) {
            attributes.put(a.group(1), a.group(2).replace("&amp;", "&").replace("&quot;", "\""));
        }
        return attributes;
    }

    /** What {@code widget} declares for the fixture's model and the case's options, read from the built page. */
    static Controls declared(Widget widget) throws Exception {
        Map<String, String> figure = figureAttributes(widget);
        List<ModelFile> files = new ArrayList<>();
        for (String url : String.valueOf(figure.get("data-weights")).split(" ")) {
            files.add(new ModelFile(WeightFiles.fileName(url), Files.readAllBytes(site.site().resolve(url))));
        }
        return widget.controls(new LiveFigure() {
            @Override
            public String id() {
                return figure.get("id");
            }

            @Override
            public String option(String name) {
                return figure.get("data-" + name);
            }
        }, files);
    }

    @TestFactory
    @DisplayName("every widget's declared controls (on the JVM): unique keys and labels, sane ranges, first values they take")
    Stream<DynamicTest> declaredControls() {
        return Widgets.BOOK.all().stream().filter(w -> w.live() != null)
                .map(w -> DynamicTest.dynamicTest(w.name(), () -> checkDeclaration(w.name(), declared(w))));
    }

    static void checkDeclaration(String widget, Controls controls) {
        assertFalse(controls.all().isEmpty(), widget + " declares its controls");
        Set<String> keys = new HashSet<>();
        Set<String> ids = new HashSet<>();
        Set<String> labels = new HashSet<>();
        List<String> inUrl = new ArrayList<>();
        for (Control c : controls.all()) {
            String where = widget + " " + c.key();
            assertTrue(c.key().matches("[a-z][a-z0-9_]*"), where + ": a key for the URL");
            assertTrue(keys.add(c.key()), where + ": declared once");
            if (c.inUrl()) {
                inUrl.add(c.key());
            }
            if (!c.shown()) {
                continue;
            }
            assertTrue(ids.add(c.id()), where + ": its id is unique");
            assertFalse(c.label().isBlank(), where + ": a label");
            assertTrue(labels.add(c.label()), where + ": its label \"" + c.label() + "\" is unique");
            switch (c.kind()) {
                case STOPS, SELECT -> {
                    assertFalse(c.choices().isEmpty(), where + ": something to choose");
                    assertTrue(c.choices().stream().noneMatch(o -> o.text().isBlank()), where + ": every choice has words");
                    if (c.kind() == Control.Kind.SELECT) {
                        assertEquals(c.choices().size(), c.choices().stream().map(Control.Choice::value).distinct().count(),
                                where + ": choices differ");
                    }
                    assertTrue(c.indexOf(c.initial()) >= 0, where + ": its first value " + c.initial() + " is a choice");
                }
                case RANGE -> {
                    assertTrue(c.min() < c.max() && c.step() > 0 && c.step() <= c.max() - c.min(), where + ": a range");
                    double v = Double.parseDouble(c.initial());
                    assertTrue(v >= c.min() - 1e-9 && v <= c.max() + 0.01 + 1e-9, where + ": its first value in range, " + v);
                    for (String t : c.ticks()) {
                        double x = Double.parseDouble(t);
                        assertTrue(x >= c.min() - 1e-9 && x <= c.max() + 1e-9, where + ": tick " + t + " in range");
                    }
                }
                case WHOLE -> assertTrue(c.min() <= c.max() && c.accept(c.initial()) != null, where + ": its first value in range");
                case WORDS -> assertFalse(c.accept(c.initial()).isEmpty(), where + ": first words");
                case TOGGLE -> assertEquals(2, c.choices().size(), where + ": off and on");
                default -> {
                }
            }
            if (c.when() != null) {
                assertTrue(controls.get(c.when()) != null && controls.get(c.when()).kind() == Control.Kind.TOGGLE,
                        where + ": in the URL while " + c.when() + " is on, a toggle");
            }
        }
        assertEquals(new TreeSet<>(inUrl), new TreeSet<>(controls.order()), widget + ": the URL order lists every value once");
        assertEquals(controls.order().size(), Set.copyOf(controls.order()).size(), widget + ": no key twice in the URL order");
    }

    @TestFactory
    @DisplayName("every declared control is on the live page with its label and first value; a state in the fragment comes back")
    Stream<DynamicTest> controlsLive() {
        return Widgets.BOOK.all().stream().filter(w -> w.live() != null && CASES.containsKey(w.name()))
                .map(w -> DynamicTest.dynamicTest(w.name(), () -> checkControls(w)));
    }

    private void checkControls(Widget widget) throws Exception {
        Controls controls = declared(widget);
        WebElement figure = open(widget, "");
        String id = figure.getAttribute("id");
        Map<String, String> first = new LinkedHashMap<>();
        for (Control c : controls.all()) {
            if (c.shown() && c.kind() != Control.Kind.ACTION) {
                first.put(c.key(), c.accept(c.initial()));
            }
        }
        assertShows(widget, figure, controls, first);

        // another value for every control in the URL, in the declared order, and the page again
        Map<String, String> other = new LinkedHashMap<>();
        for (Control c : controls.all()) {
            String v = otherValue(c);
            if (v != null) {
                other.put(c.key(), v);
            }
        }
        StringBuilder state = new StringBuilder();
        for (String key : controls.order()) {
            if (other.containsKey(key)) {
                state.append(state.length() == 0 ? "" : "&").append(key).append('=').append(other.get(key));
            }
        }
        WebElement again = open(widget, "#" + id + ":" + state);
        assertShows(widget, again, controls, other);
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");
    }

    private WebElement open(Widget widget, String fragment) {
        driver.get("about:blank");
        driver.get(server.url() + widget.name() + ".html" + fragment);
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=" + widget.name() + "]"));
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        return figure;
    }

    /** A value other than its first for every control whose value the URL holds (null: leave it out). */
    private static String otherValue(Control c) {
        switch (c.kind()) {
            case STOPS, SELECT -> {
                // the next one: two selects over the same choices (two answers that must differ) stay apart
                return c.choices().size() < 2 ? null : c.choices().get((c.indexOf(c.initial()) + 1) % c.choices().size()).value();
            }
            case RANGE -> {
                return Double.parseDouble(c.initial()) == c.min() ? "1" : "0.5"; // c.max() may be below 1: the page clamps
            }
            case WHOLE -> {
                return c.accept(c.initial()).equals(Integer.toString((int) c.min())) ? Integer.toString((int) c.max())
                        : Integer.toString((int) c.min());
            }
            case WORDS -> {
                List<String> words = new ArrayList<>(List.of(c.accept(c.initial()).split("\\.")));
                java.util.Collections.reverse(words);
                return String.join(".", words);
            }
            case TOGGLE -> {
                return "1";
            }
            default -> {
                return null;
            }
        }
    }

    /** Every control in {@code values} is on the page, labelled, and shows its value. */
    private static void assertShows(Widget widget, WebElement figure, Controls controls, Map<String, String> values) {
        JavascriptExecutor js = driver;
        for (Map.Entry<String, String> e : values.entrySet()) {
            Control c = controls.get(e.getKey());
            String where = widget.name() + " " + c.key();
            WebElement el;
            if (c.kind() == Control.Kind.TOGGLE) {
                el = figure.findElement(By.cssSelector(".widget-controls button[aria-pressed]"));
                assertEquals("1".equals(e.getValue()) ? "true" : "false", el.getAttribute("aria-pressed"), where);
                continue;
            }
            List<WebElement> labels = figure.findElements(By.xpath(".//div[contains(@class,'widget-controls')]//label"))
                    .stream().filter(l -> l.getAttribute("textContent").equals(c.label())).toList();
            assertEquals(1, labels.size(), where + ": one label \"" + c.label() + "\"");
            el = figure.findElement(By.id(labels.get(0).getAttribute("for")));
            assertTrue(el.getAttribute("id").endsWith("-" + c.id()), where + ": " + el.getAttribute("id"));
            String shown = (String) js.executeScript("return arguments[0].value;", el);
            switch (c.kind()) {
                case STOPS -> assertEquals(c.choices().get(Integer.parseInt(shown)).value(), e.getValue(), where);
                case RANGE -> assertEquals(Math.min(c.max(), Double.parseDouble(e.getValue())), Double.parseDouble(shown), 1e-9, where);
                case WORDS -> assertEquals(e.getValue().replace('.', ' '), shown, where);
                default -> assertEquals(e.getValue(), shown, where);
            }
        }
    }

    private void check(Widget widget) {
        driver.get("about:blank");
        driver.get(server.url() + widget.name() + ".html"); // 0N-NAME.md is the page NAME.html
        WebElement figure = driver.findElement(By.cssSelector("figure[data-widget=" + widget.name() + "]"));
        JavascriptExecutor js = driver;
        // the static drawing, as the page holds it before the bundle mounts the live figure
        String description = driver.findElement(By.cssSelector("figure .widget-description")).getAttribute("textContent");
        assertFalse(description.isBlank(), "a text description");
        String svg = shownDrawing(figure);
        assertTrue(svg != null && svg.startsWith("<svg"), "a static drawing");
        js.executeScript("arguments[0].scrollIntoView();", figure);
        new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "ready".equals(figure.getAttribute("data-state"))
                || "error".equals(figure.getAttribute("data-state")));
        assertEquals("ready", figure.getAttribute("data-state"), figure.getText());
        String wideSvg = svg;

        // options: the chapter's values reach the figure, and the live figure read each one
        Set<String> read = new TreeSet<>(List.of(String.valueOf(figure.getAttribute("data-options-read")).split(" ")));
        for (WidgetOption o : widget.options()) {
            assertTrue(CASES.get(widget.name()).contains(":" + o.name() + ":"), "the case sets :" + o.name() + ":");
            assertTrue(figure.getAttribute("data-" + o.name()) != null, "data-" + o.name() + " on the figure");
            assertTrue(read.contains(o.name()), "the live " + widget.name() + " read :" + o.name() + ": (read: " + read + ")");
        }

        compare(widget.name() + " wide", wideSvg, figure);
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");

        // on a phone's width, the narrow arrangement: its static drawing against the live one's first paint
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 360, "height", 900,
                "deviceScaleFactor", 1, "mobile", false));
        try {
            driver.get("about:blank");
            driver.get(server.url() + widget.name() + ".html");
            WebElement narrow = driver.findElement(By.cssSelector("figure[data-widget=" + widget.name() + "]"));
            String narrowSvg = shownDrawing(narrow);
            assertTrue(narrowSvg != null && narrowSvg.contains("widget-narrow-drawing"), widget.name()
                    + ": the narrow static drawing on a phone");
            js.executeScript("arguments[0].scrollIntoView();", narrow);
            new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> "ready".equals(narrow.getAttribute("data-state"))
                    || "error".equals(narrow.getAttribute("data-state")));
            assertEquals("ready", narrow.getAttribute("data-state"), narrow.getText());
            compare(widget.name() + " narrow", narrowSvg, narrow);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
        assertEquals(List.of(), WidgetBrowserTest.problems(driver), "no console errors");
    }

    /** The static drawing the figure shows (of its wide and narrow ones, the one its width picks), as SVG text. */
    private static String shownDrawing(WebElement figure) {
        WebElement shown = (WebElement) driver.executeScript("return Array.from(arguments[0].querySelectorAll("
                + "'.widget-fallback .widget-drawing')).filter(function (e) { return e.getClientRects().length > 0; })[0] || null;",
                figure);
        return shown == null ? null : WidgetBrowserTest.drawingSvg(driver, shown);
    }

    /** The static drawing {@code svg} against the figure's live canvas's first paint, both rasterised here. */
    private static void compare(String name, String svg, WebElement figure) {
        // the static drawing against the live canvas's first paint, both rasterised here at the canvas's size
        WebElement canvas = figure.findElement(By.cssSelector("canvas.widget-canvas"));
        Object diff = ((JavascriptExecutor) driver).executeAsyncScript("""
                var svgText = arguments[0], canvas = arguments[1], done = arguments[arguments.length - 1];
                // both at a quarter of the canvas's size: anti-aliasing and glyph edges average out, a different
                // state (colours of cells, arrows, curves) does not
                var w = Math.round(canvas.width / 4), h = Math.round(canvas.height / 4);
                function pixels(draw) {
                  var c = document.createElement('canvas'); c.width = w; c.height = h;
                  var x = c.getContext('2d'); x.imageSmoothingQuality = 'high';
                  x.fillStyle = '#fff'; x.fillRect(0, 0, w, h); draw(x); return x.getImageData(0, 0, w, h).data;
                }
                function mean(a, b) {
                  var sum = 0;
                  for (var i = 0; i < a.length; i += 4) {
                    sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
                  }
                  return sum / (w * h * 3);
                }
                var img = new Image();
                img.onload = function () {
                  // the SVG rasterised at the canvas's size first, then scaled down as the canvas is: drawn straight
                  // at a quarter, its text would be set at a quarter of its size, in other glyphs
                  var full = document.createElement('canvas'); full.width = canvas.width; full.height = canvas.height;
                  var fx = full.getContext('2d'); fx.fillStyle = '#fff'; fx.fillRect(0, 0, full.width, full.height);
                  fx.drawImage(img, 0, 0, full.width, full.height);
                  var stat = pixels(function (x) { x.drawImage(full, 0, 0, w, h); });
                  var live = pixels(function (x) { x.drawImage(canvas, 0, 0, w, h); });
                  // a control: the live picture mirrored, as different as another state would be
                  var mirrored = pixels(function (x) { x.translate(w, 0); x.scale(-1, 1); x.drawImage(canvas, 0, 0, w, h); });
                  var both = document.createElement('canvas'); both.width = 2 * canvas.width; both.height = canvas.height;
                  var bx = both.getContext('2d'); bx.fillStyle = '#fff'; bx.fillRect(0, 0, both.width, both.height);
                  bx.drawImage(full, 0, 0); bx.drawImage(canvas, canvas.width, 0);
                  done([mean(stat, live), mean(stat, mirrored), both.toDataURL()]);
                };
                img.onerror = function () { done([-1, -1]); };
                img.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText);
                """, svg, canvas);
        String shots = System.getProperty("contract.shots");
        if (shots != null) { // -Dcontract.shots=DIR: the static drawing and the live one side by side, to look at
            try {
                java.nio.file.Files.createDirectories(Path.of(shots));
                String url = (String) ((List<?>) diff).get(2);
                java.nio.file.Files.write(Path.of(shots, name.replace(' ', '-') + ".png"),
                        java.util.Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        double mean = ((Number) ((List<?>) diff).get(0)).doubleValue();
        double control = ((Number) ((List<?>) diff).get(1)).doubleValue();
        System.out.printf("%s: static vs live %.2f, static vs mirrored live %.2f%n", name, mean, control);
        assertTrue(mean >= 0, "the static SVG loads as an image");
        assertTrue(control >= 2 * TOLERANCE, name + ": the drawing and its mirror image differ by only "
                + control + ", too little for the comparison to tell two pictures apart");
        assertTrue(mean <= TOLERANCE, name + ": static drawing and first live paint differ by " + mean
                + " per channel on average (tolerance " + TOLERANCE + ")");
    }
}
