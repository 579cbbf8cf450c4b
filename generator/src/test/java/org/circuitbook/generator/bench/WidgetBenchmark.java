package org.circuitbook.generator.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.WidgetBrowserTest;
import org.circuitbook.generator.serve.DevServer;
import org.circuitbook.widgets.weights.Json;
import org.circuitbook.widgets.figures.Widgets;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Not a test (surefire's default pattern does not match the name): the widget benchmark, a rerunnable timing
 * harness in headless Chromium. Run it with {@code bench/run} (see the README's "Benchmarks"); it prints its
 * tables and writes them to {@code generator/target/bench/results.md}. It never asserts a time.
 *
 * <ol>
 *   <li>Builds the real book (content/, the trained models in .cache/) into {@code target/bench/book}, and a
 *       page per widget of {@link #WIDGETS} on the book's own models into {@code target/bench/widgets}.</li>
 *   <li>Input to redraw: on every page, scrolls each widget figure into view, waits for it to mount, and fires
 *       real DOM events at each of its controls ({@code bench/page/interact.js} finds them), timing the handler
 *       (recompute and redraw are synchronous) and the whole frame that shows the result. Verdict: p95 of the
 *       frame within 16.7 ms (one frame at 60 Hz).</li>
 *   <li>Forward pass per model ({@link #MODELS}): the benchmark page {@code bench/page/forward.html} runs the
 *       widgets' own Java forward pass (TeaVM, {@code mvn -Pbench}) and the same computation in TensorFlow.js
 *       (CPU and WebAssembly backends, installed from npm into {@code target/bench-peer}, served only here),
 *       checks that the outputs agree, and reports TeaVM time / peer time from interleaved samples.</li>
 *   <li>First load: each book page's HTML with the CSS and JS it links, raw and gzipped (weights, fonts and
 *       images excluded: weights load when a figure nears the viewport, fonts only where math needs them).</li>
 * </ol>
 *
 * System properties: {@code bench.events} (timed events per control, default 50), {@code bench.samples}
 * (forward-pass samples, default 21), {@code bench.scale} (device pixel ratio, default 1; 2 for a phone or
 * retina screen's canvas size), {@code bench.peer=false} (skip the peer runtime), {@code bench.pages} (only pages
 * whose path contains one of these comma-separated strings), {@code bench.css} (CSS to try: every page is measured
 * as built and again with it added, rows marked {@code [+css]}), {@code bench.against} and {@code bench.rounds}
 * (instead of the tables above, each widget page against another checkout's build of it, in alternating rounds:
 * {@code bench/compare REV} runs it).
 */
class WidgetBenchmark {
    /** One widget on the benchmark's own pages: the directive options that pick the book's trained model. */
    record WidgetCase(String widget, String options) {
    }

    /**
     * Every widget, each on a page of its own, with the model the book uses for it. A widget without an entry
     * here is still measured wherever a chapter holds it; the harness names registered widgets it could not
     * measure anywhere.
     */
    static final List<WidgetCase> WIDGETS = List.of(
            new WidgetCase("superposition", ":model: superposition-5x2\n:sparsity: 0.9"),
            new WidgetCase("circuits", ":model: attn-only-1l\n:view: ov\n:head: 0"),
            new WidgetCase("composition", ":model: attn-only-2l"),
            new WidgetCase("attention-patterns", ":model: attn-only-2l"),
            new WidgetCase("grokking", ":model: modular-addition-p59"),
            new WidgetCase("activation-patching", ":model: attn-only-2l"),
            new WidgetCase("logit-attribution", ":model: attn-only-2l"),
            new WidgetCase("logit-lens", ":model: attn-only-2l"),
            new WidgetCase("sae-explorer", ":model: sae-toy"),
            new WidgetCase("probe", ":model: othello-4x4\n:moves: D3 D4 B1 C1 D2 A3"),
            new WidgetCase("steering", ":model: othello-4x4\n:moves: D3 D4 B1 C1 D2 A3"),
            new WidgetCase("fact-editing", ":model: facts"));

    /** Weights files (under the site's models/) whose forward pass is timed, TeaVM against the peer. */
    static final List<String> MODELS = List.of(
            "attn-only-2l/final.safetensors",
            "attn-only-1l/final.safetensors",
            "modular-addition-p59/final.safetensors",
            "superposition-5x2/sparsity-0.9.safetensors",
            "superposition-20x5/sparsity-0.9.safetensors",
            "sae-toy/sae-d128-l1-0.3.safetensors");

    static final double FRAME_MS = 1000.0 / 60;

    static final int EVENTS = Integer.getInteger("bench.events", 50);
    static final int WARMUP = Integer.getInteger("bench.warmup", 10);
    static final int SAMPLES = Integer.getInteger("bench.samples", 21);
    static final String SCALE = System.getProperty("bench.scale", "1");
    static final boolean PEER = !"false".equals(System.getProperty("bench.peer"));
    /** Only pages whose path contains one of these comma-separated strings (default: every page). */
    static final List<String> PAGES = System.getProperty("bench.pages", "").isBlank() ? List.of()
            : List.of(System.getProperty("bench.pages").split(","));
    /**
     * CSS to try: each page is measured as built and again with this stylesheet added, in the same run, so a
     * layout change can be compared against its own baseline on a noisy machine.
     */
    static final String CSS = System.getProperty("bench.css", "");
    /**
     * The widget pages another checkout's benchmark built (its {@code generator/target/bench/widgets}): each page
     * is measured there and here in alternating rounds in one browser, so a change can be compared against its
     * baseline on a noisy machine (see {@code bench/compare}).
     */
    static final String AGAINST = System.getProperty("bench.against", "");
    /** Rounds per side in that comparison; each round times bench.events / rounds events per control. */
    static final int ROUNDS = Integer.getInteger("bench.rounds", 4);

    private final StringBuilder report = new StringBuilder();
    private List<String[]> rows;

    @Test
    void run() throws Exception {
        Path repo = repoRoot();
        Path out = repo.resolve("generator/target/bench");
        Files.createDirectories(out);
        Path bookDir = out.resolve("book");
        Path widgetsDir = out.resolve("widgets");

        long start = System.nanoTime();
        build(repo, bookDir);
        Path widgetRoot = out.resolve("widgets-src");
        writeWidgetPages(repo, widgetRoot);
        build(widgetRoot, widgetsDir, repo.resolve(".cache"));
        String peer = PEER ? installPeer(repo, repo.resolve("generator/target/bench-peer")) : "skipped (-Dbench.peer=false)";
        boolean peerReady = peer.startsWith("TensorFlow.js");
        writeForwardPage(repo, widgetsDir.resolve("bench"), peerReady);
        System.out.printf(Locale.ROOT, "sites built in %.1f s; peer runtime: %s%n", (System.nanoTime() - start) / 1e9, peer);

        header(peer);
        try (DevServer server = DevServer.start(out, 0)) { // book/ and widgets/ side by side
            Path profile = out.resolve("chromium");
            deleteTree(profile); // a fresh profile: nothing cached from an earlier run
            ChromeDriver chrome = WidgetBrowserTest.chromium(profile, "--force-device-scale-factor=" + SCALE);
            try {
                chrome.manage().timeouts().scriptTimeout(Duration.ofMinutes(5));
                String base = server.url();
                if (!AGAINST.isBlank()) {
                    Path against = out.resolve("against");
                    deleteTree(against);
                    copyTree(Path.of(AGAINST).toAbsolutePath(), against);
                    compare(chrome, base, widgetsDir, against);
                } else {
                    interactions(chrome, base, bookDir, widgetsDir);
                    forward(chrome, base);
                    firstLoad(chrome, base, bookDir);
                }
                List<String> problems = WidgetBrowserTest.problems(chrome);
                if (!problems.isEmpty()) {
                    line("");
                    line("Browser console problems during the run:");
                    problems.forEach(p -> line("- " + p));
                }
            } finally {
                chrome.quit();
            }
        }
        line("");
        line("Load average (1, 5, 15 min) at the end: " + BenchReport.loadAverage() + ".");
        Files.writeString(out.resolve("results.md"), report.toString());
        System.out.println();
        System.out.println("written to " + repo.relativize(out.resolve("results.md")));
    }

    // ---- building ----

    static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !(Files.isRegularFile(dir.resolve("content/site.yaml"))
                && Files.isRegularFile(dir.resolve("bench/page/forward.html")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the repository (no content/site.yaml and bench/ above "
                    + Path.of("").toAbsolutePath() + ")");
        }
        return dir;
    }

    private static void build(Path root, Path site) {
        build(root, site, root.resolve(".cache"));
    }

    private static void build(Path root, Path site, Path cache) {
        List<String> log = new ArrayList<>();
        BuildPipeline.Options options = new BuildPipeline.Options(root, site, cache, Set.of(),
                Math.min(2, Runtime.getRuntime().availableProcessors()));
        new BuildPipeline(options, line -> {
            log.add(line);
            if (line.contains("[missing]") || line.contains("[stale]")) {
                System.out.println(line + "   (training: copy a warm .cache/ to skip this)");
            }
        }).run();
    }

    /** A site of one chapter per widget case, on the book's model specs (so the models come from the cache). */
    private static void writeWidgetPages(Path repo, Path root) throws IOException {
        deleteTree(root);
        Files.createDirectories(root.resolve("content/chapters"));
        Files.writeString(root.resolve("content/site.yaml"), "title: Widget benchmark\n");
        try (Stream<Path> specs = Files.list(repo.resolve("content/models"))) {
            Files.createDirectories(root.resolve("content/models"));
            for (Path spec : specs.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                Files.copy(spec, root.resolve("content/models").resolve(spec.getFileName()));
            }
        }
        int n = 0;
        for (WidgetCase c : WIDGETS) {
            n++;
            Files.writeString(root.resolve(String.format(Locale.ROOT, "content/chapters/%02d-%s.md", n, c.widget())),
                    "---\ntitle: " + c.widget() + "\n---\n\n# " + c.widget() + "\n\n:::{widget} " + c.widget() + "\n"
                            + c.options() + "\n:label: fig-" + c.widget() + "\nThe " + c.widget() + " widget.\n:::\n");
        }
    }

    /**
     * Installs the peer runtime (pinned in bench/peer/package.json and package-lock.json) with npm into
     * {@code dir}, unless it is there already; returns "TensorFlow.js VERSION" or why there is none.
     */
    private static String installPeer(Path repo, Path dir) throws IOException, InterruptedException {
        Path lock = repo.resolve("bench/peer/package-lock.json");
        Path installed = dir.resolve("package-lock.json");
        Path core = dir.resolve("node_modules/@tensorflow/tfjs-core/package.json");
        if (!Files.exists(core) || !Files.exists(installed) || Files.mismatch(lock, installed) != -1) {
            Files.createDirectories(dir);
            Files.copy(repo.resolve("bench/peer/package.json"), dir.resolve("package.json"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(lock, installed, StandardCopyOption.REPLACE_EXISTING);
            System.out.println("installing the peer runtime: npm ci in " + repo.relativize(dir));
            Process npm;
            try {
                npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline").directory(dir.toFile())
                        .redirectErrorStream(true).redirectOutput(dir.resolve("npm.log").toFile()).start();
            } catch (IOException e) {
                return "none (npm is not installed: " + e.getMessage() + ")";
            }
            if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                npm.destroy();
                return "none (npm ci failed; see " + repo.relativize(dir.resolve("npm.log")) + ")";
            }
        }
        Matcher version = Pattern.compile("\"version\":\\s*\"([^\"]+)\"").matcher(Files.readString(core));
        return "TensorFlow.js " + (version.find() ? version.group(1) : "?") + " (tfjs-core, tfjs-backend-cpu, tfjs-backend-wasm from npm)";
    }

    /** The forward-pass page, the benchmark's TeaVM build of the widgets' model code, and the peer, under bench/. */
    private static void writeForwardPage(Path repo, Path dir, boolean peer) throws IOException {
        Files.createDirectories(dir);
        for (String f : List.of("forward.html", "forward.js")) {
            Files.copy(repo.resolve("bench/page").resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        Path teavm = repo.resolve("widgets/target/bench/forward-benchmark.js");
        if (!Files.exists(teavm)) {
            throw new IllegalStateException(teavm + " is missing: build with the bench profile (bench/run does: mvn -Pbench ...)");
        }
        Files.copy(teavm, dir.resolve("forward-benchmark.js"), StandardCopyOption.REPLACE_EXISTING);
        if (peer) {
            Path modules = repo.resolve("generator/target/bench-peer/node_modules/@tensorflow");
            Files.createDirectories(dir.resolve("tfjs"));
            for (String f : List.of("tfjs-core/dist/tf-core.min.js", "tfjs-backend-cpu/dist/tf-backend-cpu.min.js",
                    "tfjs-backend-wasm/dist/tf-backend-wasm.min.js", "tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
                    "tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
                    "tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm")) {
                Path source = modules.resolve(f);
                Files.copy(source, dir.resolve("tfjs").resolve(source.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        List<Object> models = new ArrayList<>();
        for (String m : MODELS) {
            String published = publishedName(dir.resolveSibling("models"), m);
            if (published != null) {
                models.add(Map.of("id", m.replace(".safetensors", "").replace("/final", ""), "url", "../models/" + published));
            } else {
                System.out.println("forward pass: no " + m + " in the site, skipped");
            }
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("peer", peer);
        config.put("samples", SAMPLES);
        config.put("models", models);
        Files.writeString(dir.resolve("models.json"), Json.write(config));
    }

    // ---- input to redraw ----

    private void interactions(ChromeDriver chrome, String base, Path bookDir, Path widgetsDir) throws IOException {
        List<String> pages = new ArrayList<>();
        for (Path page : htmlPages(bookDir)) {
            pages.add("book/" + page);
        }
        for (Path page : htmlPages(widgetsDir)) {
            pages.add("widgets/" + page);
        }
        if (!PAGES.isEmpty()) {
            pages.removeIf(page -> PAGES.stream().noneMatch(page::contains));
        }
        if (!CSS.isBlank()) {
            pages = pages.stream().flatMap(page -> java.util.stream.Stream.of(page, page + " [+css]")).toList();
        }
        section("Input to redraw", String.format(Locale.ROOT,
                "%d timed events per control after %d warm-up ones, each dispatched at the start of a frame; "
                        + "handler = the event's synchronous handlers (recompute + canvas redraw), frame = until that "
                        + "frame is rendered. Verdict: frame p95 <= %.1f ms (one frame at 60 Hz). Device pixel ratio %s.",
                EVENTS, WARMUP, FRAME_MS, SCALE));
        table(List.of("page", "widget", "control", "n", "handler p50 ms", "p95", "frame p50 ms", "p95", "verdict"));
        Set<String> measured = new java.util.TreeSet<>();
        for (String entry : pages) {
            String page = entry.replace(" [+css]", "");
            chrome.get(base + page);
            if (entry.endsWith(" [+css]")) {
                chrome.executeScript("const s = document.createElement('style'); s.textContent = arguments[0];"
                        + " document.head.appendChild(s);", CSS);
            }
            List<WebElement> figures = chrome.findElements(By.cssSelector("figure[data-widget]"));
            for (WebElement figure : figures) {
                String widget = figure.getAttribute("data-widget");
                String where = page.replace(".html", "") + "#" + figure.getAttribute("id")
                        + (entry.endsWith(" [+css]") ? " [+css]" : "");
                chrome.executeScript("arguments[0].scrollIntoView({block: 'center'});", figure);
                try {
                    new WebDriverWait(chrome, Duration.ofSeconds(60)).until(d -> Set.of("ready", "error")
                            .contains(String.valueOf(figure.getAttribute("data-state"))));
                } catch (RuntimeException e) {
                    row(where, widget, "(did not mount in 60 s)", "", "", "", "", "", "ERROR");
                    continue;
                }
                if (!"ready".equals(figure.getAttribute("data-state"))) {
                    row(where, widget, "(widget error: " + figure.getText().strip() + ")", "", "", "", "", "", "ERROR");
                    continue;
                }
                List<Map<?, ?>> results;
                try {
                    results = WidgetDriver.drive(chrome, figure, EVENTS, WARMUP);
                } catch (RuntimeException e) {
                    row(where, widget, "(" + e.getMessage() + ")", "", "", "", "", "", "ERROR");
                    continue;
                }
                for (Map<?, ?> c : results) {
                    String control = c.get("control") + " (" + c.get("kind") + ")";
                    long fetches = ((Number) c.get("fetches")).longValue();
                    if (fetches > 0) {
                        control += ", " + fetches + " fetching";
                    }
                    if (c.get("error") != null) {
                        row(where, widget, control + ": " + c.get("error"), "", "", "", "", "", "ERROR");
                        continue;
                    }
                    double[] handler = numbers(c.get("handler"));
                    double[] frame = numbers(c.get("frame"));
                    if (frame.length == 0) {
                        row(where, widget, control, "0", "", "", "", "", "no samples");
                        continue;
                    }
                    double p95 = quantile(frame, 0.95);
                    boolean baseline = "baseline".equals(c.get("kind"));
                    row(where, widget, control, Integer.toString(frame.length), ms(quantile(handler, 0.5)),
                            ms(quantile(handler, 0.95)), ms(quantile(frame, 0.5)), ms(p95), baseline ? "(floor)"
                                    : p95 <= FRAME_MS ? "ok (1 frame)" : "SLOW (" + (int) Math.ceil(p95 / FRAME_MS) + " frames)");
                    if (!baseline) {
                        measured.add(widget);
                    }
                }
            }
        }
        endTable();
        List<String> missing = Widgets.BOOK.names().stream().filter(w -> !measured.contains(w)).toList();
        if (!missing.isEmpty()) {
            line("");
            line("Not measured (no page holds them: add a WidgetCase to WidgetBenchmark.WIDGETS): "
                    + String.join(", ", missing));
        }
    }

    /**
     * Each widget page of {@code widgetsDir} against the same page in {@code againstDir} (another checkout's build):
     * both open in tabs of one browser, measured in {@link #ROUNDS} alternating rounds (before, after, after,
     * before, ...), the samples of each side pooled per control.
     */
    private void compare(ChromeDriver chrome, String base, Path widgetsDir, Path againstDir) throws IOException {
        int perRound = Math.max(5, EVENTS / ROUNDS);
        section("Input to redraw, before and after", String.format(Locale.ROOT,
                "before = %s, after = this checkout; the same page in two tabs of one browser, %d alternating rounds "
                        + "per side of %d timed events per control (after %d warm-up ones), pooled. Frame and handler "
                        + "as in the main table. Device pixel ratio %s.", AGAINST, ROUNDS, perRound, WARMUP, SCALE));
        table(List.of("page", "control", "n", "frame p50 ms before", "after", "frame p95 before", "after",
                "handler p50 before", "after", "p95 after vs before"));
        int worse = 0;
        int compared = 0;
        for (Path file : htmlPages(widgetsDir)) {
            String page = file.toString();
            if (!PAGES.isEmpty() && PAGES.stream().noneMatch(("widgets/" + page)::contains)
                    || !Files.exists(againstDir.resolve(page))
                    || !Files.readString(widgetsDir.resolve(page)).contains("data-widget=")) {
                continue;
            }
            String first = chrome.getWindowHandle();
            Map<String, String> tabs = new LinkedHashMap<>();
            tabs.put("before", first);
            chrome.get(base + "against/" + page);
            chrome.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
            tabs.put("after", chrome.getWindowHandle());
            chrome.get(base + "widgets/" + page);
            Map<String, Map<String, List<double[]>>> samples = new LinkedHashMap<>(); // control -> side -> [frame, handler]
            String error = null;
            for (int round = 0; round < 2 * ROUNDS && error == null; round++) {
                String side = (round / 2 + round) % 2 == 0 ? "before" : "after"; // before, after, after, before, ...
                chrome.switchTo().window(tabs.get(side));
                List<WebElement> figures = chrome.findElements(By.cssSelector("figure[data-widget]"));
                if (figures.isEmpty()) {
                    error = side + ": no widget figure";
                    break;
                }
                WebElement figure = figures.get(0);
                chrome.executeScript("arguments[0].scrollIntoView({block: 'center'});", figure);
                try {
                    new WebDriverWait(chrome, Duration.ofSeconds(60)).until(d -> "ready".equals(figure.getAttribute("data-state")));
                    for (Map<?, ?> c : WidgetDriver.drive(chrome, figure, perRound, WARMUP)) {
                        String control = c.get("control") + " (" + c.get("kind") + ")";
                        List<double[]> pooled = samples.computeIfAbsent(control, k -> new LinkedHashMap<>())
                                .computeIfAbsent(side, k -> new ArrayList<>(List.of(new double[0], new double[0])));
                        pooled.set(0, concat(pooled.get(0), numbers(c.get("frame"))));
                        pooled.set(1, concat(pooled.get(1), numbers(c.get("handler"))));
                    }
                } catch (RuntimeException e) {
                    error = side + ": " + e.getMessage();
                }
            }
            chrome.switchTo().window(tabs.get("after"));
            chrome.close();
            chrome.switchTo().window(first);
            String where = "widgets/" + page.replace(".html", "");
            if (error != null) {
                row(where, "(" + error + ")", "", "", "", "", "", "", "", "ERROR");
                continue;
            }
            for (Map.Entry<String, Map<String, List<double[]>>> e : samples.entrySet()) {
                List<double[]> before = e.getValue().get("before");
                List<double[]> after = e.getValue().get("after");
                if (before == null || after == null || before.get(0).length == 0 || after.get(0).length == 0) {
                    row(where, e.getKey(), "", "", "", "", "", "", "", before == null ? "(after only)" : "(before only)");
                    continue;
                }
                boolean baseline = e.getKey().endsWith("(baseline)");
                double p95Before = quantile(before.get(0), 0.95);
                double p95After = quantile(after.get(0), 0.95);
                if (!baseline) {
                    compared++;
                    worse += p95After > p95Before ? 1 : 0;
                }
                row(where, e.getKey(), before.get(0).length + " / " + after.get(0).length,
                        ms(quantile(before.get(0), 0.5)), ms(quantile(after.get(0), 0.5)), ms(p95Before), ms(p95After),
                        ms(quantile(before.get(1), 0.5)), ms(quantile(after.get(1), 0.5)), baseline ? "(floor)"
                                : String.format(Locale.ROOT, "%+.2f ms%s", p95After - p95Before,
                                        p95After > FRAME_MS ? ", over one frame" : ""));
            }
        }
        endTable();
        line("");
        line(String.format(Locale.ROOT, "Frame p95 higher after than before on %d of %d controls.", worse, compared));
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            throw new IllegalStateException("bench.against: " + from + " is not a directory (a built bench/widgets site)");
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    private static List<Path> htmlPages(Path site) throws IOException {
        try (Stream<Path> files = Files.list(site)) {
            return files.filter(p -> p.toString().endsWith(".html")).map(Path::getFileName).sorted().toList();
        }
    }

    // ---- forward pass ----

    private void forward(ChromeDriver chrome, String base) {
        chrome.get(base + "widgets/bench/forward.html");
        new WebDriverWait(chrome, Duration.ofMinutes(10)).until(d ->
                Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return !!(window.__bench && window.__bench.done);")));
        Map<?, ?> result = (Map<?, ?>) Json.parse((String) chrome.executeScript("return JSON.stringify(window.__bench);"));
        section("Forward pass per model", "Per forward pass, in this browser: the widgets' Java code compiled by TeaVM "
                + "(as in the book's bundle) against the same computation in the peer runtime, on the same weights and "
                + "input, in interleaved samples of >= 10 ms each (" + SAMPLES + " per runtime). ratio = TeaVM p50 / "
                + "peer p50 (above 1: TeaVM is slower). max abs diff = largest difference between the two outputs "
                + "(max abs out: the largest output). Where the browser runs the widgets' WebAssembly SIMD matrix kernel "
                + "(kernel: wasm-simd), the row 'TeaVM, Java loops only' times the same Java code with its matrix "
                + "products in the Java loops (interleaved with the kernel's; ratio = TeaVM p50 / loops p50). "
                + "Page: widgets/bench/forward.html.");
        if (result.get("error") != null) {
            line("");
            line("The forward-pass page failed: " + result.get("error"));
            return;
        }
        table(List.of("model", "input", "runtime", "p50 ms", "p95 ms", "ratio", "max abs diff", "max abs out", "outputs agree"));
        Map<?, ?> peer = (Map<?, ?>) result.get("peer");
        for (Object o : (List<?>) result.get("models")) {
            Map<?, ?> m = (Map<?, ?>) o;
            Map<?, ?> java = (Map<?, ?>) m.get("java");
            double maxOut = ((Number) m.get("maxOutput")).doubleValue();
            String teavm = "wasm-simd".equals(m.get("kernel")) ? "TeaVM (widgets, SIMD kernel)" : "TeaVM (widgets)";
            row((String) m.get("id"), (String) m.get("input"), teavm, ms3(num(java.get("p50"))),
                    ms3(num(java.get("p95"))), "", "", String.format(Locale.ROOT, "%.3g", maxOut), "");
            for (Object p : (List<?>) m.get("peers")) {
                Map<?, ?> r = (Map<?, ?>) p;
                double diff = r.get("maxDiff") == null ? Double.POSITIVE_INFINITY : num(r.get("maxDiff"));
                boolean agree = diff <= 1e-4 * Math.max(1, maxOut);
                row("", "", "TF.js " + peer.get("version") + " " + ((String) r.get("runtime")).substring(5),
                        ms3(num(r.get("p50"))), ms3(num(r.get("p95"))),
                        String.format(Locale.ROOT, "%.2fx", num(r.get("ratio"))),
                        String.format(Locale.ROOT, "%.1e", diff), "", agree ? "yes" : "NO (over 1e-4 of max |out|)");
            }
            if (m.get("loops") instanceof Map<?, ?> r) { // the same Java code, its products in the Java loops alone
                double diff = r.get("maxDiff") == null ? Double.POSITIVE_INFINITY : num(r.get("maxDiff"));
                boolean agree = diff <= 1e-4 * Math.max(1, maxOut);
                row("", "", "TeaVM, Java loops only", ms3(num(r.get("p50"))), ms3(num(r.get("p95"))),
                        String.format(Locale.ROOT, "%.2fx", num(r.get("ratio"))),
                        String.format(Locale.ROOT, "%.1e", diff), "", agree ? "yes" : "NO (over 1e-4 of max |out|)");
            }
        }
        endTable();
        if (peer == null) {
            line("");
            line("No peer runtime in this run, so no ratios (npm is needed once to install it; see above).");
        }
    }

    // ---- first-load bytes ----

    private void firstLoad(ChromeDriver chrome, String base, Path bookDir) throws IOException {
        section("First load per page", "The page's HTML plus every stylesheet and script it links, as built "
                + "(book/), raw and gzipped (java.util.zip, level 6, each file on its own as a server sends it). "
                + "Not counted: weights (fetched when a figure nears the viewport), KaTeX fonts (fetched only for the "
                + "glyphs a page's math uses; 'fonts' shows what Chromium fetched on opening the page), images. The "
                + "widgets bundle loads on demand, when a figure nears the viewport: counted in only where Chromium "
                + "fetched it on opening the page at the top ('bundle').");
        table(List.of("page", "HTML", "CSS", "JS", "total", "total gzip", "bundle (gzip)", "fonts at load", "weights at load"));
        for (Path page : htmlPages(bookDir)) {
            FirstLoad load = FirstLoad.of(bookDir, page.toString());
            chrome.get("about:blank");
            chrome.get(base + "book/" + page);
            chrome.executeAsyncScript("var done = arguments[0]; setTimeout(done, 1000);"); // lazy fetches settle
            List<?> sizes = (List<?>) chrome.executeScript("var f = 0, fb = 0, w = 0, wb = 0;"
                    + "performance.getEntriesByType('resource').forEach(function (e) {"
                    + " if (/\\.woff2?$/.test(e.name)) { f++; fb += e.encodedBodySize; }"
                    + " if (/\\.safetensors$/.test(e.name)) { w++; wb += e.encodedBodySize; } });"
                    + "return [f, fb, w, wb];");
            String bundle = "";
            if (!load.onDemand().isEmpty()) {
                boolean fetched = Boolean.TRUE.equals(chrome.executeScript("var files = arguments[0];"
                        + " return performance.getEntriesByType('resource').some(function (e) {"
                        + "   return files.some(function (f) { return e.name.endsWith('/' + f); }); });", load.onDemand()));
                bundle = (fetched ? "at load, " : "on demand, ") + kb(load.onDemandGzip());
                load = fetched ? load.withOnDemand() : load;
            }
            row(page.toString(), kb(load.html()), kb(load.css()), kb(load.js()), kb(load.total()), kb(load.gzip()), bundle,
                    sizes.get(0) + " (" + kb(((Number) sizes.get(1)).longValue()) + ")",
                    sizes.get(2) + " (" + kb(((Number) sizes.get(3)).longValue()) + ")");
        }
        endTable();
    }

    // ---- statistics and printing ----

    /** The nearest-rank quantile, as the page computes it. */
    static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, Math.max(0, (int) Math.ceil(q * sorted.length) - 1))];
    }

    private static double[] numbers(Object list) {
        return ((List<?>) list).stream().mapToDouble(WidgetBenchmark::num).toArray();
    }

    private static double num(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String ms3(double v) {
        return v >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1000.0);
    }

    private void header(String peer) {
        line("# Widget benchmark");
        line("");
        line(String.format(Locale.ROOT, "Chromium %s (headless), %d CPU cores, Java %s; peer runtime: %s. "
                        + "Load average (1, 5, 15 min) at the start: %s.", BenchReport.chromiumVersion(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), peer, BenchReport.loadAverage()));
    }

    private void section(String title, String text) {
        line("");
        line("## " + title);
        line("");
        line(text);
        line("");
    }

    /** Starts a table; rows collect until {@link #endTable}, which prints it with aligned columns. */
    private void table(List<String> columns) {
        rows = new ArrayList<>();
        rows.add(columns.toArray(String[]::new));
    }

    private void row(String... cells) {
        rows.add(cells);
    }

    private void endTable() {
        BenchReport.table(rows).forEach(this::line);
    }

    private void line(String text) {
        System.out.println(text);
        System.out.flush();
        report.append(text).append('\n');
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** "NAME/FILE" as published (content-hashed, through models/NAME/index.json), or null when the site lacks it. */
    private static String publishedName(Path models, String m) throws IOException {
        String name = m.substring(0, m.indexOf('/'));
        String file = m.substring(m.indexOf('/') + 1);
        Path index = models.resolve(name).resolve("index.json");
        if (!Files.exists(index)) {
            return null;
        }
        for (Object o : (List<?>) ((Map<?, ?>) Json.parse(Files.readString(index))).get("files")) {
            Map<?, ?> f = (Map<?, ?>) o;
            if (file.equals(f.get("name"))) {
                return name + "/" + f.get("url");
            }
        }
        return null;
    }
}
