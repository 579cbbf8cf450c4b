package org.circuitbook.generator.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.circuitbook.generator.WidgetBrowserTest;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Not a test (surefire's default pattern does not match the name): how large an imported transformer (model kind
 * {@code imported}) the reader's browser handles. Run it with {@code bench/sizes}; it prints a Markdown table and
 * writes it to {@code generator/target/bench/sizes.md}. It never asserts a time.
 *
 * <p>For each size of {@link #GRID} (LayerNorm, gelu, d_mlp = 4 d_model, d_head = d_model / n_heads, d_vocab_out =
 * d_vocab, seeded random weights: every parameter normal with standard deviation 0.02, LayerNorm gains 1 + that) it
 * writes the weights file a book publishes for an imported model (float32 parameters under TransformerLens's names,
 * the config in {@code __metadata__}: exactly {@code new HookedTransformer(cfg, weights).toWeights().toBytes()},
 * which it checks byte for byte on the smaller sizes, streamed to disk for the larger ones), counts its bytes raw and
 * gzipped (java.util.zip, default level), and then, in a fresh headless Chromium per size, on the page
 * {@code bench/page/sizes.html} with the widgets' own Java code compiled by TeaVM ({@code mvn -Pbench}:
 * {@code widgets/target/bench/forward-benchmark.js}):
 *
 * <ol>
 *   <li>fetch: {@code fetch} with the file's Subresource Integrity hash and {@code arrayBuffer()}, as the widgets
 *       fetch weights (from localhost: no network time, but the browser's SHA-256 check);</li>
 *   <li>load: parsing those bytes into a {@code HookedTransformer} as a widget does;</li>
 *   <li>forward: the forward pass (logits for every position) on 16 tokens, on 128 and on n_ctx tokens (a random
 *       half repeated, as the widgets' first prompt), one untimed pass first; {@code bench.samples} samples, or
 *       fewer where they would take longer than {@code bench.budget} seconds in all (at least one; n says how many);
 *       whether every logit is finite, and the largest |logit|;</li>
 *   <li>the renderer's peak resident memory (VmHWM) over that one load and the forward passes;</li>
 *   <li>the fetch once more without the integrity hash (its bytes dropped), to show what the browser's check costs;</li>
 *   <li>then further loads (up to {@code bench.loads} in all, within the budget) for the median load time.</li>
 * </ol>
 *
 * <p>On the smaller sizes the browser's logits on 16 tokens are also compared with the same Java forward pass run
 * here in the JVM. A size that fails (an allocation error, a crashed tab, a timeout) gets its error in the table
 * and the next size gets a fresh browser.
 *
 * <p>System properties: {@code bench.grid} (comma-separated sizes {@code n_layers:d_model:n_heads:d_vocab:n_ctx}
 * with an optional {@code :name}, default {@link #DEFAULT_GRID}; {@code quick} for the first four, up to 23 MB),
 * {@code bench.samples} (default 11), {@code bench.budget} (seconds of samples per sequence length, default 20),
 * {@code bench.loads} (default 3), {@code bench.maxTokens} (skip the forward passes on more tokens: e.g. 16 to see
 * whether a size beyond the grid loads at all), {@code bench.integrity=false} (fetch without the integrity hash, to see what the
 * browser's check costs), {@code bench.keep=true} (keep the weights files under
 * {@code generator/target/bench/sizes/}; by default each is deleted after its size is measured).
 */
class ImportedSizesBenchmark {
    /** One transformer size: LayerNorm, gelu, d_mlp = 4 d_model, d_head = d_model / n_heads. */
    record Size(String name, int layers, int dModel, int heads, int vocab, int ctx) {
        TransformerConfig cfg() {
            return new TransformerConfig(layers, dModel, dModel / heads, heads, 4 * dModel, vocab, vocab, ctx, "gelu",
                    false, "LN", "standard");
        }

        String shape() {
            return String.format(Locale.ROOT, "%d L, d %d, %d heads, d_mlp %d, vocab %d, n_ctx %d", layers, dModel,
                    heads, 4 * dModel, vocab, ctx);
        }

        String label() {
            return name.isEmpty() ? shape() : name + " (" + shape() + ")";
        }
    }

    /**
     * From a toy to GPT-2 small's shape (TransformerLens's gpt2: 12 layers, d_model 768, 12 heads, vocab 50257,
     * n_ctx 1024, with W_U a separate copy of W_E transposed as TransformerLens holds it: about 163M parameters).
     */
    static final String DEFAULT_GRID = "2:64:4:1000:32,2:64:4:1000:64,2:128:4:5000:128,4:256:8:5000:128,6:512:8:10000:128,"
            + "8:768:12:16384:256,12:768:12:50257:1024:GPT-2 small";
    static final int SAMPLES = Integer.getInteger("bench.samples", 11);
    static final double BUDGET_S = Double.parseDouble(System.getProperty("bench.budget", "20"));
    static final int LOADS = Integer.getInteger("bench.loads", 3);
    static final boolean KEEP = Boolean.getBoolean("bench.keep");
    /** Sequence lengths above this are not run (a size larger than the default grid's, to see whether it loads). */
    static final int MAX_TOKENS = Integer.getInteger("bench.maxTokens", Integer.MAX_VALUE);
    /** false: fetch without the integrity hash, to see what the browser's check costs (the widgets always send it). */
    static final boolean INTEGRITY = !"false".equals(System.getProperty("bench.integrity"));
    static final long SEED = 20240601L;
    /** Sizes up to this many parameters are also built in memory: checked byte for byte and against the JVM's logits. */
    static final long CHECK_PARAMS = 8_000_000L;
    static final int SHORT = 16;
    static final int MEDIUM = 128;
    static final int TIMEOUT_MINUTES = 15;

    static final List<Size> GRID = grid(System.getProperty("bench.grid", DEFAULT_GRID));

    private final StringBuilder report = new StringBuilder();

    /** What one size gave: each field null (or NaN) where that step did not happen. */
    static final class Result {
        Size size;
        long params;
        Written file;
        String formatCheck = "";
        List<Double> fetchMs = new ArrayList<>();
        double plainFetchMs = Double.NaN;
        List<Double> loadMs = new ArrayList<>();
        Map<Integer, Forward> forward = new TreeMap<>();
        long peakRssKb = -1;
        String load = "";
        String jvmCheck = "";
        String error;
    }

    record Forward(double[] samples, int reps, double maxAbs, boolean finite) {
    }

    record Written(long bytes, long gzip, String integrity) {
    }

    @Test
    void run() throws Exception {
        Path repo = WidgetBenchmark.repoRoot();
        Path out = repo.resolve("generator/target/bench");
        Path site = out.resolve("sizes");
        deleteTree(site);
        Files.createDirectories(site);
        Path teavm = repo.resolve("widgets/target/bench/forward-benchmark.js");
        if (!Files.exists(teavm)) {
            throw new IllegalStateException(teavm + " is missing: build with the bench profile (bench/sizes does: mvn -Pbench ...)");
        }
        Files.copy(teavm, site.resolve("forward-benchmark.js"), StandardCopyOption.REPLACE_EXISTING);
        for (String f : List.of("sizes.html", "sizes.js")) {
            Files.copy(repo.resolve("bench/page").resolve(f), site.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }

        String loadStart = BenchReport.loadAverage();
        line("# Imported model sizes");
        line("");
        line(String.format(Locale.ROOT, "Chromium %s (headless), %d CPU cores, Java %s. Load average (1, 5, 15 min) "
                        + "at the start: %s. Samples %d per sequence length, at most %.0f s of them (n below: how many); "
                        + "loads up to %d.", BenchReport.chromiumVersion(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), loadStart, SAMPLES, BUDGET_S, LOADS));
        line("");

        List<Result> results = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(4);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> serve(site, exchange));
        server.setExecutor(threads);
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
            for (Size size : GRID) {
                Result r = new Result();
                r.size = size;
                results.add(r);
                try {
                    measure(r, site, base, out.resolve("sizes-chromium"), problems);
                } catch (Exception | OutOfMemoryError e) {
                    r.error = firstLine(e);
                }
                System.out.println("  " + size.label() + ": " + (r.error == null ? "done" : "FAILED: " + r.error));
            }
        } finally {
            server.stop(0);
            threads.shutdownNow();
        }

        table(results);
        limits(results);
        if (!problems.isEmpty()) {
            line("");
            line("Browser console problems during the run:");
            problems.forEach(p -> line("- " + p));
        }
        line("");
        line("Load average (1, 5, 15 min) at the end: " + BenchReport.loadAverage() + ".");
        Files.writeString(out.resolve("sizes.md"), report.toString());
        System.out.println();
        System.out.println("written to " + repo.relativize(out.resolve("sizes.md")));
    }

    // ---- one size ----

    private void measure(Result r, Path site, String base, Path profile, List<String> problems) throws Exception {
        Size size = r.size;
        r.load = BenchReport.loadAverage().split(",")[0];
        TransformerConfig cfg = size.cfg();
        r.params = HookedTransformer.parameterShapes(cfg).values().stream().mapToLong(ImportedSizesBenchmark::count).sum();
        String name = String.format(Locale.ROOT, "L%d-d%d-h%d-v%d-c%d.safetensors", size.layers(), size.dModel(),
                size.heads(), size.vocab(), size.ctx());
        Path file = site.resolve(name);
        long t0 = System.nanoTime();
        r.file = write(cfg, SEED, file);
        System.out.printf(Locale.ROOT, "%s: %,d parameters, %.1f MB (%.1f MB gzipped), written in %.1f s%n",
                size.label(), r.params, r.file.bytes() / 1e6, r.file.gzip() / 1e6, (System.nanoTime() - t0) / 1e9);
        Map<String, Tensor> inMemory = null;
        if (r.params <= CHECK_PARAMS) {
            inMemory = parameters(cfg, SEED);
            byte[] expected = new HookedTransformer(cfg, inMemory).toWeights().toBytes();
            r.formatCheck = Arrays.equals(expected, Files.readAllBytes(file)) ? "identical" : "DIFFERENT";
            if (r.formatCheck.equals("DIFFERENT")) {
                throw new IllegalStateException("the streamed file differs from HookedTransformer.toWeights().toBytes()");
            }
        }
        deleteTree(profile);
        ChromeDriver chrome = WidgetBrowserTest.chromium(profile);
        try {
            chrome.manage().timeouts().scriptTimeout(Duration.ofMinutes(TIMEOUT_MINUTES));
            chrome.get(base + "sizes.html");
            new WebDriverWait(chrome, Duration.ofSeconds(60)).until(d ->
                    Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript("return !!window.__sizes;")));
            Map<String, Object> spec = Map.of("url", name, "integrity", INTEGRITY ? r.file.integrity() : "");
            Map<?, ?> load = step(chrome, "load", spec);
            r.fetchMs.add(num(load.get("fetchMs")));
            r.loadMs.add(num(load.get("loadMs")));
            System.out.printf(Locale.ROOT, "  fetch %.0f ms, load %.0f ms%n", r.fetchMs.get(0), r.loadMs.get(0));
            List<Integer> lengths = new ArrayList<>(List.of(Math.min(SHORT, size.ctx())));
            for (int n : List.of(MEDIUM, size.ctx())) {
                if (n <= size.ctx() && n <= MAX_TOKENS && !lengths.contains(n)) {
                    lengths.add(n);
                }
            }
            boolean first = true;
            for (int n : lengths) {
                int[] tokens = tokens(n, size.vocab(), SEED + n);
                boolean compare = inMemory != null && n == lengths.get(0);
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("tokens", Arrays.stream(tokens).boxed().toList());
                f.put("samples", SAMPLES);
                f.put("budgetMs", BUDGET_S * 1000);
                f.put("warmup", first);
                f.put("logits", compare);
                first = false;
                Map<?, ?> fr = step(chrome, "forward", f);
                double[] samples = ((List<?>) fr.get("samples")).stream().mapToDouble(ImportedSizesBenchmark::num).toArray();
                Forward forward = new Forward(samples, ((Number) fr.get("reps")).intValue(), num(fr.get("maxAbs")),
                        Boolean.TRUE.equals(fr.get("finite")));
                r.forward.put(n, forward);
                System.out.printf(Locale.ROOT, "  forward on %d tokens: p50 %.2f ms (n %d)%n", n,
                        WidgetBenchmark.quantile(samples, 0.5), samples.length);
                if (compare) {
                    float[] jvm = new HookedTransformer(cfg, inMemory).forward(tokens).data();
                    List<?> browser = (List<?>) fr.get("logits");
                    double diff = browser.size() == jvm.length ? 0 : Double.POSITIVE_INFINITY;
                    double largest = 0;
                    for (int i = 0; i < jvm.length && i < browser.size(); i++) {
                        diff = Math.max(diff, Math.abs(num(browser.get(i)) - jvm[i]));
                        largest = Math.max(largest, Math.abs(jvm[i]));
                    }
                    r.jvmCheck = String.format(Locale.ROOT, "%.1e", diff / Math.max(largest, Float.MIN_NORMAL));
                }
            }
            r.peakRssKb = rendererPeakKb(profile);
            if (INTEGRITY) {
                r.plainFetchMs = num(step(chrome, "fetchOnly", Map.of("url", name, "integrity", "")).get("fetchMs"));
            }
            long loadsStart = System.nanoTime();
            while (r.loadMs.size() < LOADS && (System.nanoTime() - loadsStart) / 1e9
                    + r.fetchMs.get(0) / 1e3 + r.loadMs.get(0) / 1e3 <= BUDGET_S) {
                Map<?, ?> again = step(chrome, "load", spec);
                r.fetchMs.add(num(again.get("fetchMs")));
                r.loadMs.add(num(again.get("loadMs")));
            }
            try {
                WidgetBrowserTest.problems(chrome).forEach(p -> problems.add(size.label() + ": " + p));
            } catch (WebDriverException e) {
                problems.add(size.label() + ": could not read the console (" + firstLine(e) + ")");
            }
        } catch (WebDriverException | PageError e) {
            if (r.peakRssKb < 0) {
                r.peakRssKb = rendererPeakKb(profile);
            if (INTEGRITY) {
                r.plainFetchMs = num(step(chrome, "fetchOnly", Map.of("url", name, "integrity", "")).get("fetchMs"));
            }
            }
            r.error = firstLine(e);
        } finally {
            try {
                chrome.quit();
            } catch (WebDriverException e) {
                System.out.println("  (quitting Chromium: " + firstLine(e) + ")");
            }
            if (!KEEP) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Runs {@code window.__sizes[name](arg)} in the page and returns its result; a rejection becomes an exception. */
    private static Map<?, ?> step(ChromeDriver chrome, String name, Map<String, Object> arg) {
        Object result = chrome.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "window.__sizes[arguments[0]](arguments[1]).then(done, function (e) {"
                + "  done({error: String(e && e.stack ? e.stack : e)}); });", name, arg);
        Map<?, ?> map = (Map<?, ?>) result;
        if (map.get("error") != null) {
            throw new PageError(name + ": " + map.get("error"));
        }
        return map;
    }

    /** An error the page reported (a rejected step): its message and stack, as the browser gave them. */
    static final class PageError extends RuntimeException {
        PageError(String message) {
            super(message);
        }
    }

    /** The sequence the widgets start from: n / 2 random tokens, repeated (a last one when n is odd). */
    static int[] tokens(int n, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[n];
        int half = n / 2;
        for (int i = 0; i < half; i++) {
            tokens[i] = tokens[i + half] = random.nextInt(vocab);
        }
        if (n % 2 == 1) {
            tokens[n - 1] = random.nextInt(vocab);
        }
        return tokens;
    }

    // ---- the weights file ----

    /** The parameter's value from the stream of normals: LayerNorm gains 1 + 0.02 z, everything else 0.02 z. */
    private static float value(boolean gain, SplittableRandom random) {
        return (float) ((gain ? 1 : 0) + 0.02 * random.nextGaussian());
    }

    private static boolean isGain(String name) {
        return name.endsWith(".w");
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** The parameters in memory, drawn as {@link #write} draws them (tensors in name order). */
    static Map<String, Tensor> parameters(TransformerConfig cfg, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : new TreeMap<>(HookedTransformer.parameterShapes(cfg)).entrySet()) {
            float[] data = new float[(int) count(e.getValue())];
            boolean gain = isGain(e.getKey());
            for (int i = 0; i < data.length; i++) {
                data[i] = value(gain, random);
            }
            weights.put(e.getKey(), Tensor.of(data, e.getValue()));
        }
        return weights;
    }

    /**
     * Writes the file {@code new HookedTransformer(cfg, parameters(cfg, seed)).toWeights().toBytes()} would be
     * ({@link SafeTensors#toBytes}: the header with the config in {@code __metadata__} and the tensors sorted by name,
     * padded with spaces to 8 bytes; float32 little-endian data), streamed in chunks so that a file of hundreds of MB
     * needs no more memory than a chunk; counts its gzipped size and its SHA-256 on the way.
     */
    static Written write(TransformerConfig cfg, long seed, Path file) throws IOException {
        Map<String, int[]> shapes = new TreeMap<>(HookedTransformer.parameterShapes(cfg));
        byte[] head = SafeTensors.header(Map.of(HookedTransformer.CONFIG_KEY, cfg.toJson()), shapes);
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Counter gzipped = new Counter();
        SplittableRandom random = new SplittableRandom(seed);
        try (OutputStream disk = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20);
             GZIPOutputStream gzip = new GZIPOutputStream(gzipped, 1 << 16)) {
            Tee out = new Tee(disk, gzip, sha);
            out.write(head, 0, head.length);
            ByteBuffer chunk = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            for (Map.Entry<String, int[]> e : shapes.entrySet()) {
                boolean gain = isGain(e.getKey());
                for (long i = count(e.getValue()); i > 0; i--) {
                    if (!chunk.hasRemaining()) {
                        out.write(chunk.array(), 0, chunk.position());
                        chunk.clear();
                    }
                    chunk.putFloat(value(gain, random));
                }
            }
            out.write(chunk.array(), 0, chunk.position());
        }
        return new Written(Files.size(file), gzipped.count, "sha256-" + Base64.getEncoder().encodeToString(sha.digest()));
    }

    /** Counts what is written to it and keeps nothing. */
    private static final class Counter extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    /** Writes to the file and the gzip stream, and hashes. */
    private record Tee(OutputStream disk, OutputStream gzip, MessageDigest sha) {
        void write(byte[] b, int off, int len) throws IOException {
            disk.write(b, off, len);
            gzip.write(b, off, len);
            sha.update(b, off, len);
        }
    }

    // ---- serving ----

    /** The site's files, streamed (a weights file is not read into memory), never cached by the browser. */
    private static void serve(Path site, com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().replaceFirst("^/", "");
            Path file = site.resolve(path).normalize();
            if (!file.startsWith(site) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String type = path.endsWith(".html") ? "text/html; charset=utf-8"
                    : path.endsWith(".js") ? "text/javascript; charset=utf-8" : "application/octet-stream";
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            long size = Files.size(file);
            exchange.sendResponseHeaders(200, size);
            long start = System.nanoTime();
            try (OutputStream body = exchange.getResponseBody(); java.io.InputStream in = Files.newInputStream(file)) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    body.write(buffer, 0, n);
                }
            }
            if (size > 1_000_000) {
                System.out.printf(Locale.ROOT, "  (served %s: %.1f MB in %.0f ms)%n", path, size / 1e6, (System.nanoTime() - start) / 1e6);
            }
        }
    }

    // ---- memory ----

    /**
     * The largest peak resident set (VmHWM, kB) of the renderer processes of the Chromium whose profile is under
     * {@code profile} (found through the process tree, so another Chromium on the machine is not counted); -1 when
     * there is none (a crashed tab's renderer is gone) or /proc cannot be read.
     */
    static long rendererPeakKb(Path profile) {
        String marker = "--user-data-dir=" + profile.toAbsolutePath();
        Map<Long, Long> parent = new LinkedHashMap<>();
        Map<Long, String> command = new LinkedHashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    long pid = Long.parseLong(p.getFileName().toString());
                    String stat = Files.readString(p.resolve("stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    parent.put(pid, Long.parseLong(fields[1]));
                    command.put(pid, new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).replace('\0', ' '));
                } catch (IOException | RuntimeException e) {
                    // the process ended while being read
                }
            }
        } catch (IOException e) {
            return -1;
        }
        long peak = -1;
        for (Map.Entry<Long, String> e : command.entrySet()) {
            if (!e.getValue().contains("--type=renderer")) {
                continue;
            }
            boolean ours = false;
            Long p = e.getKey();
            for (int depth = 0; p != null && p > 1 && depth < 20; depth++) {
                String c = command.get(p);
                if (c != null && c.contains(marker) && !c.contains("--type=")) {
                    ours = true;
                    break;
                }
                p = parent.get(p);
            }
            if (!ours) {
                continue;
            }
            try {
                for (String l : Files.readAllLines(Path.of("/proc", e.getKey().toString(), "status"))) {
                    if (l.startsWith("VmHWM:")) {
                        peak = Math.max(peak, Long.parseLong(l.replaceAll("[^0-9]", "")));
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // it ended
            }
        }
        return peak;
    }

    // ---- the grid ----

    static List<Size> grid(String spec) {
        if (spec.equals("quick")) {
            return grid(DEFAULT_GRID).subList(0, 4);
        }
        List<Size> sizes = new ArrayList<>();
        for (String entry : spec.split(",")) {
            String[] p = entry.strip().split(":", 6);
            if (p.length < 5) {
                throw new IllegalArgumentException("bench.grid: \"" + entry + "\" is not n_layers:d_model:n_heads:d_vocab:n_ctx[:name]");
            }
            int dModel = Integer.parseInt(p[1]);
            int heads = Integer.parseInt(p[2]);
            if (dModel % heads != 0) {
                throw new IllegalArgumentException("bench.grid: \"" + entry + "\": d_model must be a multiple of n_heads");
            }
            sizes.add(new Size(p.length > 5 ? p[5] : "", Integer.parseInt(p[0]), dModel, heads, Integer.parseInt(p[3]),
                    Integer.parseInt(p[4])));
        }
        return sizes;
    }

    // ---- the report ----

    private void table(List<Result> results) {
        line("## Per size");
        line("");
        line("Random weights (seeded normal, std 0.02), LayerNorm + gelu, d_mlp = 4 d_model, d_head = d_model / n_heads; "
                + "the file a book publishes for an imported model (float32). fetch = fetch() "
                + (INTEGRITY ? "with the file's integrity hash (as the widgets fetch)" : "WITHOUT the integrity hash (-Dbench.integrity=false)")
                + " + arrayBuffer() from localhost, median of n, and in brackets once without the integrity hash (no "
                + "network: the download time is the gzip size over the reader's bandwidth); load = parsing it into the widgets' HookedTransformer (TeaVM), median of n loads. forward "
                + "= one forward pass (logits at every position) on T tokens: p50 / p95 ms (n samples). RSS = the "
                + "renderer's peak resident memory over one load and the forward passes. load = the machine's 1-minute load "
                + "average as the size started (this benchmark itself adds about 1; over the core count, other work shared "
                + "the CPU). check = the browser's logits "
                + "on 16 tokens against the same Java forward pass in the JVM, largest difference relative to the "
                + "largest |logit| (small sizes only); the file is also checked to be byte for byte "
                + "HookedTransformer.toWeights().toBytes() there.");
        line("");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"model", "params", "file MB", "gzip MB", "fetch ms (no SRI)", "load ms (n)", "forward 16 tok",
                "forward 128 tok", "forward n_ctx tok", "logits", "RSS MB", "load", "check"});
        for (Result r : results) {
            Size s = r.size;
            Forward f16 = r.forward.get(Math.min(SHORT, s.ctx()));
            Forward f128 = s.ctx() > MEDIUM ? r.forward.get(MEDIUM) : null;
            Forward full = r.forward.get(s.ctx());
            Forward last = r.forward.isEmpty() ? null : r.forward.values().stream().reduce((a, b) -> b).orElse(null);
            String logits = last == null ? "" : (last.finite() ? "finite" : "NOT FINITE") + String.format(Locale.ROOT,
                    ", max %.2f", last.maxAbs());
            String check = r.formatCheck.isEmpty() ? "" : "file " + r.formatCheck + (r.jvmCheck.isEmpty() ? "" : ", logits " + r.jvmCheck);
            rows.add(new String[] {s.label(), millions(r.params), r.file == null ? "" : mb(r.file.bytes()),
                    r.file == null ? "" : mb(r.file.gzip()),
                    median(r.fetchMs) + (Double.isNaN(r.plainFetchMs) ? "" : " (" + ms(r.plainFetchMs) + ")"), median(r.loadMs) + (r.loadMs.isEmpty() ? "" : " (" + r.loadMs.size() + ")"),
                    forward(f16), s.ctx() > MEDIUM ? skipped(f128, MEDIUM, r) : "(n_ctx)", skipped(full, s.ctx(), r), logits,
                    r.peakRssKb < 0 ? "" : String.format(Locale.ROOT, "%.0f", r.peakRssKb / 1024.0), r.load, check});
            if (r.error != null) {
                rows.add(new String[] {"  FAILED: " + r.error, "", "", "", "", "", "", "", "", "", "", "", ""});
            }
        }
        BenchReport.table(rows).forEach(this::line);
    }

    /** Where the sizes cross a frame, 100 ms and a second, and the largest that loaded. */
    private void limits(List<Result> results) {
        line("");
        line("## Limits in this run");
        line("");
        Result largest = null;
        for (Result r : results) {
            if (!r.loadMs.isEmpty()) {
                largest = r;
            }
        }
        line("- Largest size that loaded: " + (largest == null ? "none" : largest.size.label() + ", "
                + mb(largest.file.bytes()) + " MB file, loaded in " + median(largest.loadMs) + " ms") + ".");
        for (boolean full : new boolean[] {false, true}) {
            for (double limit : new double[] {1000.0 / 60, 100, 1000}) {
                String first = null;
                for (Result r : results) {
                    int n = full ? r.size.ctx() : Math.min(SHORT, r.size.ctx());
                    Forward f = r.forward.get(n);
                    if (f != null && WidgetBenchmark.quantile(f.samples(), 0.5) > limit) {
                        first = r.size.label() + ": " + forward(f) + " ms on " + n + " tokens";
                        break;
                    }
                }
                line(String.format(Locale.ROOT, "- First size whose forward pass on %s takes over %s ms (p50): %s.",
                        full ? "n_ctx tokens" : SHORT + " tokens", limit < 20 ? "16.7" : String.format(Locale.ROOT, "%.0f", limit),
                        first == null ? "none" : first));
            }
        }
        for (Result r : results) {
            if (r.error != null) {
                line("- " + r.size.label() + " failed: " + r.error);
            }
        }
    }

    private static String forward(Forward f) {
        if (f == null) {
            return "";
        }
        return String.format(Locale.ROOT, "%s / %s (%d)", ms(WidgetBenchmark.quantile(f.samples(), 0.5)),
                ms(WidgetBenchmark.quantile(f.samples(), 0.95)), f.samples().length);
    }

    /** The forward pass's cell, or "(skipped)" when bench.maxTokens left it out of a size that ran. */
    private static String skipped(Forward f, int tokens, Result r) {
        return f == null && tokens > MAX_TOKENS && r.error == null && !r.forward.isEmpty() ? "(skipped)" : forward(f);
    }

    private static String median(List<Double> values) {
        return values.isEmpty() ? "" : ms(WidgetBenchmark.quantile(values.stream().mapToDouble(Double::doubleValue).toArray(), 0.5));
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : v >= 10 ? String.format(Locale.ROOT, "%.1f", v)
                : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String mb(long bytes) {
        return bytes >= 10_000_000 ? String.format(Locale.ROOT, "%.0f", bytes / 1e6) : String.format(Locale.ROOT, "%.2f", bytes / 1e6);
    }

    private static String millions(long n) {
        return n >= 10_000_000 ? String.format(Locale.ROOT, "%.0fM", n / 1e6) : String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }

    private static double num(Object o) {
        return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    /** The exception's class and the first line of its message (Selenium appends build and session details). */
    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? "" : e.getMessage().strip();
        return e.getClass().getSimpleName() + ": " + m.split("\n")[0].strip();
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

    private void line(String text) {
        System.out.println(text);
        System.out.flush();
        report.append(text).append('\n');
    }
}
