package org.circuitbook.generator.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.WidgetBrowserTest;
import org.circuitbook.generator.serve.LiveSite;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Not a test (surefire's default pattern does not match the name): how long {@code circuitbook serve} takes
 * from saving a chapter of the real book to the browser showing it. Copies {@code content/} to a temporary
 * directory, builds it with the repository's {@code .cache/} (warm: nothing trains; a cold cache trains every
 * model first), serves it, opens a chapter in headless Chromium and saves that chapter
 * {@code bench.edits} times, each with one new sentence, a second apart. Prints medians and 95th percentiles of
 * each step, the rebuild's stages, and checks that the site the rebuilds left on disk is byte for byte the site
 * a fresh build writes.
 *
 * <pre>mvn -q -pl generator test -Dtest=ServeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 *     [-Dbench.edits=20] [-Dbench.chapter=03-superposition.md]</pre>
 */
class ServeBenchmark {
    static final int EDITS = Integer.getInteger("bench.edits", 20);
    static final int WARMUP = Integer.getInteger("bench.warmup", 3);
    static final String CHAPTER = System.getProperty("bench.chapter", "03-superposition.md");
    /** The server's warm-up rebuilds after its first build ({@code -Dbench.warmUps=0}: none, to compare). */
    static final int WARM_UPS = Integer.getInteger("bench.warmUps", LiveSite.WARM_UP_REBUILDS);

    @Test
    void run() throws Exception {
        Path repo = repository();
        Path root = Files.createTempDirectory("serve-bench");
        copy(repo.resolve("content"), root.resolve("content"));
        BuildPipeline.Options options = new BuildPipeline.Options(root, root.resolve("site"), repo.resolve(".cache"),
                java.util.Set.of(), 2);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        BlockingQueue<LiveSite.Rebuild> rebuilds = new LinkedBlockingQueue<>();
        Path chapter = root.resolve("content/chapters").resolve(CHAPTER);
        String original = Files.readString(chapter);
        String page = org.circuitbook.generator.content.ContentLoader.slugOf(CHAPTER.replace(".md", "")) + ".html";

        List<Map<String, Double>> samples = new ArrayList<>();
        long firstBuild = System.nanoTime();
        try (LiveSite live = LiveSite.start(options, 0, new PrintStream(log, true), new PrintStream(log, true),
                WARM_UPS)) {
            System.out.printf(Locale.ROOT, "%nfirst build (the session's cold start) in %.1f s%n",
                    (System.nanoTime() - firstBuild) / 1e9);
            live.onRebuild(rebuilds::add);
            ChromeDriver driver = WidgetBrowserTest.chromium(root);
            try {
                JavascriptExecutor js = driver;
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(60), Duration.ofMillis(5));
                driver.get(live.url() + page);
                wait.until(d -> live.listeners() == 1);
                for (int i = 1; i <= WARMUP + EDITS; i++) {
                    Thread.sleep(1000);
                    String sentence = "Edit number " + i + " of the benchmark.";
                    js.executeScript("window.__benchBefore = true;");
                    Instant savedAt = Instant.now();
                    long saved = System.nanoTime();
                    Files.writeString(chapter, original + "\n" + sentence + "\n");
                    LiveSite.Rebuild r = rebuilds.poll(60, TimeUnit.SECONDS);
                    if (r == null || !r.ok()) {
                        throw new AssertionError("no good rebuild after edit " + i + ":\n" + log);
                    }
                    wait.until(d -> Boolean.TRUE.equals(js.executeScript("return window.__benchBefore === undefined"
                            + " && document.readyState === 'complete' && document.body.textContent.includes(arguments[0]);",
                            sentence)));
                    @SuppressWarnings("unchecked")
                    List<Number> nav = (List<Number>) js.executeScript("var n = performance.getEntriesByType('navigation')[0];"
                            + "return [performance.timeOrigin, performance.timeOrigin + n.domContentLoadedEventEnd,"
                            + " performance.timeOrigin + n.loadEventEnd, n.responseEnd, n.domInteractive];");
                    double savedMs = savedAt.toEpochMilli() + (savedAt.getNano() % 1_000_000) / 1e6;
                    double publishedMs = savedMs + (r.publishedAt() - saved) / 1e6;
                    double rebuildMs = r.totalNanos() / 1e6;
                    Map<String, Double> s = new LinkedHashMap<>();
                    s.put("save -> rebuild starts (inotify + " + LiveSite.QUIET_MS + " ms quiet)",
                            publishedMs - savedMs - rebuildMs);
                    s.put("rebuild (below)", rebuildMs);
                    r.stageNanos().forEach((name, nanos) -> s.put("  " + name, nanos / 1e6));
                    s.put("save -> reload event sent", publishedMs - savedMs);
                    s.put("event -> browser starts the reload", nav.get(0).doubleValue() - publishedMs);
                    s.put("save -> page DOMContentLoaded", nav.get(1).doubleValue() - savedMs);
                    s.put("save -> page load event", nav.get(2).doubleValue() - savedMs);
                    // within the reload, from its start: the page's HTML in, and its parsing done (the blocking
                    // styles and scripts fetched and run)
                    s.put("  reload -> HTML received", nav.get(3).doubleValue());
                    s.put("  reload -> DOM interactive", nav.get(4).doubleValue());
                    s.put("files written", (double) r.written().size());
                    if (i > WARMUP) {
                        samples.add(s);
                    }
                }
            } finally {
                driver.quit();
            }
        }

        long words;
        try (Stream<Path> files = Files.list(root.resolve("content/chapters"))) {
            words = 0;
            for (Path f : files.toList()) {
                words += Files.readString(f).split("\\s+").length;
            }
        }
        System.out.printf(Locale.ROOT, "%nServe: save -> browser on the real book (%d chapters, ~%,d words), %d saves of %s"
                        + " after %d warm-up saves, one second apart; the server's warm-up rebuilds: %d; load average %s%n",
                count(root.resolve("content/chapters")), words, EDITS, CHAPTER, WARMUP, WARM_UPS, loadAverage());
        System.out.printf(Locale.ROOT, "%-52s %8s %8s%n", "step", "p50 ms", "p95 ms");
        for (String key : samples.get(0).keySet()) {
            List<Double> v = samples.stream().map(m -> m.get(key)).sorted().toList();
            System.out.printf(Locale.ROOT, "%-52s %8.1f %8.1f%n", key, v.get(v.size() / 2),
                    v.get(Math.min(v.size() - 1, (int) Math.ceil(v.size() * 0.95) - 1)));
        }

        // the site on disk after the edits is exactly what a fresh build of the same sources writes
        new BuildPipeline(new BuildPipeline.Options(root, root.resolve("fresh-site"), repo.resolve(".cache"),
                java.util.Set.of(), 2), line -> { }).run();
        List<String> incremental = tree(root.resolve("site"));
        List<String> fresh = tree(root.resolve("fresh-site"));
        System.out.println("site after the rebuilds == a fresh build of the same sources: "
                + (incremental.equals(fresh) ? "yes (" + fresh.size() + " files)" : "NO"));
        if (!incremental.equals(fresh)) {
            List<String> differ = new ArrayList<>(incremental);
            differ.removeAll(fresh);
            throw new AssertionError("the incremental site differs from a fresh build: " + differ);
        }
    }

    static Path repository() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("content/site.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run from inside the repository");
        }
        return dir;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".md")).count();
        }
    }

    private static List<String> tree(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.add(dir.relativize(p) + " " + java.util.HexFormat.of().formatHex(sha256(Files.readAllBytes(p))));
            }
        }
        return out;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
