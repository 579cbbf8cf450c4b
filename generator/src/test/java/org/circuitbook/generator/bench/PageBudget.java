package org.circuitbook.generator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.WidgetBrowserTest;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.ContentLoader;
import org.circuitbook.generator.output.FileTrees;
import org.circuitbook.generator.serve.DevServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Not a test (surefire's default pattern does not match the name): the page budget, a Lighthouse-style check run by
 * {@code bench/budget} (see the README's "Benchmarks"). It builds the book from the warm {@code .cache/} into
 * {@code target/budget/site}, serves it, and for each chapter page reports
 *
 * <ul>
 *   <li><b>first load</b>: the HTML and the CSS and JS it links, raw and gzipped ({@link FirstLoad}, as the widget
 *       benchmark counts it), against {@link #FIRST_LOAD_GZIP_BUDGET}. The widgets bundle is loaded on demand, when
 *       a figure nears the viewport: it counts only where the page, opened at the top, fetched it (column "bundle":
 *       "at load" where it did, else "on demand" with its size);</li>
 *   <li><b>time to an interactive widget</b>, in headless Chromium with a cold cache for every load (CDP
 *       {@code Network.clearBrowserCache}), the median of {@link #LOADS} loads each, against
 *       {@link #INTERACTIVE_BUDGET_MS}: <i>in view at load</i>, the page opened at its first widget figure
 *       ({@code page.html#fig-id}, as a link to the figure opens it), from navigation start to the first frame painted
 *       after the figure's {@code data-state} became {@code ready} (the widget has mounted, fetched and checked its
 *       weights, run its model and drawn); and <i>after scroll</i>, the page opened at the top and left to settle,
 *       from scrolling the figure into view to that frame (widgets mount lazily, as they near the viewport).</li>
 * </ul>
 *
 * It prints a table with ok or OVER per page, writes it to {@code target/budget/results.md}, and fails (so the
 * script exits non-zero) when any page is over. Timings are of this machine, unthrottled; compare rows of one run.
 * System properties: {@code budget.loads} (loads per measurement, default 5), {@code budget.firstLoadBytes} and
 * {@code budget.interactiveMs} (other budgets to try; the defaults are the book's).
 */
class PageBudget {
    /** The HTML, CSS and JS of a chapter's first load, gzipped, in bytes (1 kB = 1,000 bytes). */
    static final long FIRST_LOAD_GZIP_BUDGET = Long.getLong("budget.firstLoadBytes", 100_000);
    /** From navigation start (or from the scroll) to the first widget drawn and answering input, on this machine. */
    static final double INTERACTIVE_BUDGET_MS = Integer.getInteger("budget.interactiveMs", 1500);
    static final int LOADS = Integer.getInteger("budget.loads", 5);
    /** Selenium warns that it has no CDP bindings for this Chromium; the harness uses none (only executeCdpCommand). */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    /**
     * Runs in every page from its first script on: records, for the first widget figure of the page, when its
     * {@code data-state} became ready (or error), whether it was on screen then, the weights fetched by then, and
     * when the next frame had been painted (a message posted from that frame's requestAnimationFrame callback arrives
     * after the paint). Times are {@code performance.now()}: milliseconds since navigation start.
     */
    static final String PROBE = """
            window.__tti = {};
            (function () {
              var t = window.__tti;
              function check() {
                var figure = document.querySelector('figure[data-widget]');
                if (!figure || t.state) { return; }
                var state = figure.getAttribute('data-state');
                if (state !== 'ready' && state !== 'error') { return; }
                t.state = state;
                t.ready = performance.now();
                var box = figure.getBoundingClientRect();
                t.inView = box.top < innerHeight && box.bottom > 0;
                t.weights = performance.getEntriesByType('resource').filter(function (e) {
                  return /\\.safetensors$/.test(e.name); }).reduce(function (n, e) { return n + e.encodedBodySize; }, 0);
                requestAnimationFrame(function () {
                  var channel = new MessageChannel();
                  channel.port1.onmessage = function () { t.painted = performance.now(); };
                  channel.port2.postMessage(0);
                });
              }
              new MutationObserver(check).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
            })();
            """;

    private final List<String> out = new ArrayList<>();
    private final List<String> console = new ArrayList<>();

    /** One chapter's figures: the medians, or a reason there are none. */
    record Row(String page, FirstLoad load, String widget, double atLoadMs, double atLoadMax, double scrollMs,
               double scrollMax, String scrollNote, long weights, List<String> problems) {
    }

    @Test
    void run() throws Exception {
        QUIET.setLevel(java.util.logging.Level.SEVERE);
        Path repo = WidgetBenchmark.repoRoot();
        Path dir = repo.resolve("generator/target/budget");
        Path site = dir.resolve("site");
        long start = System.nanoTime();
        new BuildPipeline(new BuildPipeline.Options(repo, site, repo.resolve(".cache"), Set.of(),
                Math.min(2, Runtime.getRuntime().availableProcessors())), line -> {
            if (line.contains("[missing]") || line.contains("[stale]")) {
                System.out.println(line + "   (training: copy a warm .cache/ to skip this)");
            }
        }).run();
        List<String> pages = new ArrayList<>();
        for (Chapter c : ContentLoader.load(repo).chapters()) {
            if (Files.exists(site.resolve(c.outputFile()))) {
                pages.add(c.outputFile());
            }
        }
        System.out.printf(Locale.ROOT, "book built in %.1f s: %d chapter pages%n", (System.nanoTime() - start) / 1e9, pages.size());

        line("# Page budget");
        line("");
        line(String.format(Locale.ROOT, "Chromium %s (headless, 1200x900, unthrottled), %d CPU cores, Java %s. Load average "
                        + "(1, 5, 15 min) at the start: %s. Budgets: first load <= %s gzipped (HTML + CSS + JS, each "
                        + "file gzipped at level 6; weights, fonts and images not counted); first widget interactive "
                        + "<= %.0f ms, in view at load (navigation start to the first frame painted after the widget is "
                        + "ready) and after scroll (scroll to that frame). Median (max) of %d loads, each with a cold cache.",
                BenchReport.chromiumVersion(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), BenchReport.loadAverage(), FirstLoad.kb(FIRST_LOAD_GZIP_BUDGET),
                INTERACTIVE_BUDGET_MS, LOADS));
        line("");

        List<Row> rows = new ArrayList<>();
        try (DevServer server = DevServer.start(site, 0)) {
            Path profile = dir.resolve("chromium");
            FileTrees.deleteTree(profile); // a fresh profile
            ChromeDriver chrome = WidgetBrowserTest.chromium(profile);
            try {
                chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(90));
                chrome.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", PROBE));
                for (String page : pages) {
                    rows.add(measure(chrome, server.url(), site, page));
                    WidgetBrowserTest.problems(chrome).forEach(p -> console.add(page + ": " + p));
                }
            } finally {
                chrome.quit();
            }
        }

        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"page", "HTML", "CSS", "JS", "total", "gzip", "bundle (gzip)", "first widget", "weights",
                "in view at load ms", "after scroll ms", "verdict"});
        List<String> over = new ArrayList<>();
        for (Row r : rows) {
            List<String> verdict = new ArrayList<>(r.problems());
            if (r.load().gzip() > FIRST_LOAD_GZIP_BUDGET) {
                verdict.add("first load " + FirstLoad.kb(r.load().gzip()));
            }
            if (r.atLoadMs() > INTERACTIVE_BUDGET_MS) {
                verdict.add(String.format(Locale.ROOT, "in view at load %.0f ms", r.atLoadMs()));
            }
            if (r.scrollMs() > INTERACTIVE_BUDGET_MS) {
                verdict.add(String.format(Locale.ROOT, "after scroll %.0f ms", r.scrollMs()));
            }
            if (!verdict.isEmpty()) {
                over.add(r.page() + ": " + String.join(", ", verdict));
            }
            FirstLoad l = r.load();
            table.add(new String[] {r.page(), FirstLoad.kb(l.html()), FirstLoad.kb(l.css()), FirstLoad.kb(l.js()),
                    FirstLoad.kb(l.total()), FirstLoad.kb(l.gzip()),
                    l.onDemand().isEmpty() ? (r.widget().isEmpty() ? "" : "at load") : "on demand, " + FirstLoad.kb(l.onDemandGzip()),
                    r.widget(),
                    r.widget().isEmpty() ? "" : FirstLoad.kb(r.weights()), ms(r.atLoadMs(), r.atLoadMax()),
                    r.scrollNote().isEmpty() ? ms(r.scrollMs(), r.scrollMax()) : r.scrollNote(),
                    verdict.isEmpty() ? "ok" : "OVER (" + String.join("; ", verdict) + ")"});
        }
        BenchReport.table(table).forEach(this::line);
        line("");
        line("Largest files of the first loads, gzipped: " + largest(site, rows) + ".");
        if (!console.isEmpty()) {
            line("");
            line("Browser console problems during the run:");
            console.forEach(p -> line("- " + p));
        }
        line("");
        line("Load average (1, 5, 15 min) at the end: " + BenchReport.loadAverage() + ".");
        line(over.isEmpty() ? "Every page is within budget." : over.size() + " of " + pages.size() + " pages over budget.");
        Files.writeString(dir.resolve("results.md"), String.join("\n", out) + "\n");
        System.out.println("written to " + repo.relativize(dir.resolve("results.md")));
        assertEquals(List.of(), over, "pages over budget");
    }

    /** The five largest files (gzipped) that the pages load at first, with how many pages load each. */
    private static String largest(Path site, List<Row> rows) throws java.io.IOException {
        Map<String, Integer> pages = new java.util.TreeMap<>();
        rows.forEach(r -> r.load().files().forEach(f -> pages.merge(f, 1, Integer::sum)));
        Map<String, Long> gzip = new java.util.HashMap<>();
        for (String f : pages.keySet()) {
            gzip.put(f, FirstLoad.gzipSize(Files.readAllBytes(site.resolve(f))));
        }
        return pages.keySet().stream().sorted(java.util.Comparator.comparing((String f) -> -gzip.get(f)).thenComparing(f -> f))
                .limit(5).map(f -> f + " " + FirstLoad.kb(gzip.get(f)) + (pages.get(f) == 1 ? "" : " (on " + pages.get(f) + " pages)"))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The first load of {@code page} and, if it has a widget, the medians of both interactive times. */
    private Row measure(ChromeDriver chrome, String base, Path site, String page) {
        FirstLoad load = FirstLoad.of(site, page);
        List<String> problems = new ArrayList<>();
        double[] atLoad = new double[LOADS];
        double[] scroll = new double[LOADS];
        String widget = "";
        String note = "";
        long weights = 0;
        for (int i = 0; i < LOADS; i++) {
            // in view at load: opened at the first figure, as a link to it opens it
            open(chrome, base + page);
            Map<?, ?> first = (Map<?, ?>) chrome.executeScript("var f = document.querySelector('figure[data-widget]');"
                    + " return f ? {widget: f.getAttribute('data-widget'), id: f.id} : null;");
            if (first == null) {
                return new Row(page, load, "", Double.NaN, Double.NaN, Double.NaN, Double.NaN, "", 0, problems);
            }
            widget = (String) first.get("widget");
            String id = (String) first.get("id");
            if (id == null || id.isEmpty()) {
                problems.add("the first widget figure has no id (give it a :label:)");
                return new Row(page, load, widget, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "", 0, problems);
            }
            open(chrome, base + page + "#" + id);
            Map<?, ?> t = awaitPainted(chrome);
            if (t == null || !"ready".equals(t.get("state")) || !Boolean.TRUE.equals(t.get("inView"))) {
                problems.add(t == null ? "the widget did not become ready within 60 s"
                        : !"ready".equals(t.get("state")) ? "the widget failed (data-state=error)" : "not in view at load");
                atLoad[i] = Double.NaN;
            } else {
                atLoad[i] = ((Number) t.get("painted")).doubleValue();
                weights = ((Number) t.get("weights")).longValue();
            }

            // after scroll: opened at the top, left to settle, then the figure scrolled into view
            open(chrome, base + page);
            chrome.executeAsyncScript("var done = arguments[0];"
                    + " requestAnimationFrame(function () { requestAnimationFrame(function () { setTimeout(done, 500); }); });");
            // the widgets bundle is on demand: counted in the first load only where it was fetched at the top
            if (!load.onDemand().isEmpty() && Boolean.TRUE.equals(chrome.executeScript("var files = arguments[0];"
                    + " return performance.getEntriesByType('resource').some(function (e) {"
                    + "   return files.some(function (f) { return e.name.endsWith('/' + f); }); });", load.onDemand()))) {
                load = load.withOnDemand();
            }
            if (((JavascriptExecutor) chrome).executeScript("return window.__tti.state || null;") != null) {
                note = "near the top: mounts at load";
                scroll[i] = Double.NaN;
                continue;
            }
            Number elapsed = (Number) chrome.executeAsyncScript("var done = arguments[0];"
                    + " var figure = document.querySelector('figure[data-widget]'); var start = performance.now();"
                    + " figure.scrollIntoView({block: 'center', behavior: 'instant'});"
                    + " var deadline = start + 60000;"
                    + " (function poll() { var t = window.__tti;"
                    + "   if (t.painted !== undefined) { done(t.state === 'ready' ? t.painted - start : -1); }"
                    + "   else if (performance.now() > deadline) { done(-2); }"
                    + "   else { setTimeout(poll, 5); } })();");
            if (elapsed.doubleValue() < 0) {
                problems.add(elapsed.intValue() == -1 ? "the widget failed after scrolling" : "no widget 60 s after scrolling");
                scroll[i] = Double.NaN;
            } else {
                scroll[i] = elapsed.doubleValue();
            }
        }
        List<String> distinct = problems.stream().distinct().toList();
        return new Row(page, load, widget, median(atLoad), max(atLoad), median(scroll), max(scroll), note, weights,
                distinct);
    }

    /** Opens {@code url} with nothing cached: a blank page first (so no same-document navigation), then an empty cache. */
    private static void open(ChromeDriver chrome, String url) {
        chrome.get("about:blank");
        chrome.executeCdpCommand("Network.clearBrowserCache", Map.of());
        chrome.get(url);
    }

    /** The probe's record once the frame after the first widget's ready state has painted; null after 60 s. */
    private static Map<?, ?> awaitPainted(ChromeDriver chrome) {
        try {
            new WebDriverWait(chrome, Duration.ofSeconds(60), Duration.ofMillis(20)).until(d -> ((JavascriptExecutor) d)
                    .executeScript("return window.__tti && window.__tti.painted !== undefined;").equals(Boolean.TRUE));
        } catch (RuntimeException e) {
            return null;
        }
        return (Map<?, ?>) chrome.executeScript("return window.__tti;");
    }

    /** The median of the numbers that are not NaN; NaN if none is. */
    static double median(double[] values) {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double max(double[] values) {
        return Arrays.stream(values).filter(x -> !Double.isNaN(x)).max().orElse(Double.NaN);
    }

    private static String ms(double median, double max) {
        return Double.isNaN(median) ? "" : String.format(Locale.ROOT, "%.0f (%.0f)", median, max);
    }

    private void line(String text) {
        System.out.println(text);
        System.out.flush();
        out.add(text);
    }
}
