package org.circuitbook.generator.serve;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.BuildSession;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.output.SiteDirectory;
import org.circuitbook.generator.output.SiteWriter;
import org.circuitbook.widgets.weights.Json;

/**
 * {@code circuitbook serve}: builds the book, serves it, and rebuilds it whenever something under
 * {@code content/} changes, keeping one {@link BuildSession} so that a rebuild redoes only what the change
 * touched (no model is retrained unless its spec changed).
 *
 * <p>Where it writes: the first good build is written to the output directory as {@code build} writes it
 * (atomically); each later good build updates it in place, writing only the files whose bytes changed. The
 * server itself serves the last good build from memory, so a page is never read half-written and a broken
 * build never replaces what the browser shows. The live-reload script is added to HTML responses only, never
 * to the files on disk: {@code site/} stays exactly what {@code build} would write.
 *
 * <p>Open pages hear of every build: a good one reloads them (keeping their scroll position), a broken one
 * lays its problems over them, each with a few lines of its source, until a good build takes them away. The
 * server keeps running through every problem, an exception in a stage included.
 */
public final class LiveSite implements AutoCloseable {
    /** How long the sources must be quiet before a rebuild starts, and the most a burst of saves may delay it. */
    public static final long QUIET_MS = 30;
    public static final long MAX_WAIT_MS = 300;
    /**
     * How many rebuilds {@code serve} does after its first build while the sources are quiet, each as after an edit
     * of one chapter (in turn), its output dropped: they let the JIT compile the rebuild's code before the author's
     * first saves, which would otherwise rebuild in up to twice the time. On the book they take 2 to 3 s of one
     * core, once; a save made meanwhile waits only for the one running.
     */
    public static final int WARM_UP_REBUILDS = 24;
    private static final int EXCERPT_CONTEXT = 2;

    /** One rebuild, for the log and for measurements. */
    public record Rebuild(Set<String> changed, boolean ok, Map<String, Long> stageNanos, long totalNanos,
                          List<String> written, List<String> problems, long publishedAt) {
    }

    private final BuildPipeline.Options options;
    private final PrintStream out;
    private final PrintStream err;
    private final BuildSession session;
    private final String run = Long.toString(System.currentTimeMillis(), 36);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private DevServer server;
    private ContentWatcher watcher;
    private Thread loop;
    private Map<String, byte[]> lastGood;
    private DevServer.Pages lastGoodPages;
    private String version;
    private int builds;
    private volatile Consumer<Rebuild> listener = r -> { };
    private volatile boolean closed;
    private int warmUps;
    private volatile int warmUpsDone;

    private LiveSite(BuildPipeline.Options options, PrintStream out, PrintStream err) {
        this.options = options;
        this.out = out;
        this.err = err;
        this.session = new BuildSession(options, out::println);
    }

    /**
     * Builds the book (printing each stage as {@code build} does), serves it at 127.0.0.1:{@code port} and starts
     * watching {@code content/}. A broken first build is reported and served as a page of problems (over the
     * previous {@code site/}, if there is one).
     */
    public static LiveSite start(BuildPipeline.Options options, int port, PrintStream out, PrintStream err)
            throws IOException {
        return start(options, port, out, err, WARM_UP_REBUILDS);
    }

    /** As {@link #start(BuildPipeline.Options, int, PrintStream, PrintStream)}, with {@code warmUps} warm-up rebuilds. */
    public static LiveSite start(BuildPipeline.Options options, int port, PrintStream out, PrintStream err,
                                 int warmUps) throws IOException {
        options.site().check(); // before the port and the build: a refused --out is a usage error
        LiveSite site = new LiveSite(options, out, err);
        try {
            long start = System.nanoTime();
            // the port first, so that a port in use fails at once rather than after the build; pages asked for
            // during the first build are answered "not found" and reload when it is done
            site.lastGoodPages = DevServer.Pages.of(Map.of());
            site.server = DevServer.live(port, site.state(List.of()));
            site.watcher = new ContentWatcher(options.root().resolve("content"));
            Rebuild first = site.build(Set.of(), true);
            if (first.ok()) {
                out.printf(Locale.ROOT, "built in %.1f s%n", (System.nanoTime() - start) / 1e9);
                site.warmUps = warmUps;
            } else if (Files.isDirectory(options.out())) {
                site.lastGoodPages = DevServer.Pages.directory(options.out());
            }
            site.server.publish(site.state(site.pendingProblems));
        } catch (IOException | RuntimeException e) {
            site.close();
            throw e;
        }
        site.loop = new Thread(site::watch, "circuitbook-watch");
        site.loop.start();
        return site;
    }

    public String url() {
        return server.url();
    }

    public int port() {
        return server.port();
    }

    /** How many pages are listening for rebuilds. */
    public int listeners() {
        return server.listeners();
    }

    /** How many warm-up rebuilds have run so far; for measurements and tests. */
    public int warmUpsDone() {
        return warmUpsDone;
    }

    /** Called after every rebuild (on the watching thread); for measurements and tests. */
    public void onRebuild(Consumer<Rebuild> listener) {
        this.listener = listener;
    }

    /** Blocks until {@link #close()} (Ctrl+C runs it from a shutdown hook). */
    public void awaitClose() throws InterruptedException {
        stopped.await();
    }

    private void watch() {
        int warmed = 0;
        while (!closed) {
            Set<String> changed;
            try {
                // while warm-up rebuilds are left, a change is only looked for between them: a save goes first
                changed = watcher.next(QUIET_MS, MAX_WAIT_MS, warmed >= warmUps);
            } catch (InterruptedException e) {
                return;
            }
            if (changed == null) {
                return;
            }
            if (closed) {
                continue;
            }
            if (changed.isEmpty()) {
                if (warmed < warmUps) {
                    warmUp(warmed++);
                    warmUpsDone = warmed;
                }
                continue;
            }
            try {
                Rebuild r = build(changed, false);
                server.publish(state(pendingProblems));
                r = new Rebuild(r.changed(), r.ok(), r.stageNanos(), r.totalNanos(), r.written(), r.problems(),
                        System.nanoTime());
                log(r);
                listener.accept(r);
            } catch (Throwable t) {
                // never let the loop die: whatever went wrong, the next save gets another build
                t.printStackTrace(err);
            }
        }
    }

    private List<Diagnostic> pendingProblems = List.of();

    /**
     * A rebuild as after an edit of the {@code n}th chapter, whose output is dropped: nothing is written or
     * published, and the last good build stays as it was. Should a save land during it, the rebuild the save
     * brings still compares the site with the last good build, so it writes and reloads what changed; its problems,
     * if any, are that rebuild's to report.
     */
    private synchronized void warmUp(int n) {
        session.forgetChapter(n);
        try {
            session.build((name, summary, nanos) -> { });
        } catch (RuntimeException | StackOverflowError e) {
            // dropped with the output: the next rebuild meets the same problem and reports it
        }
    }

    /** One build: on success the site is written and becomes the last good one; problems are kept to show. */
    private synchronized Rebuild build(Set<String> changed, boolean first) {
        long start = System.nanoTime();
        Map<String, Long> stages = new LinkedHashMap<>();
        List<String> written = List.of();
        boolean writing = false;
        try {
            BuildSession.Output output = session.build((name, summary, nanos) -> {
                stages.put(name, nanos);
                if (first) {
                    out.printf(Locale.ROOT, "%-6s %s in %d ms%n", name, summary, nanos / 1_000_000);
                }
            });
            long writeStart = System.nanoTime();
            writing = true;
            written = SiteWriter.update(options.site(), lastGood, output.files());
            stages.put("write", System.nanoTime() - writeStart);
            if (first) {
                out.printf(Locale.ROOT, "%-6s site written to %s in %d ms%n", "write", options.out(),
                        stages.get("write") / 1_000_000);
            }
            if (lastGood == null || !written.isEmpty()) {
                version = run + "." + (++builds);
            }
            lastGood = output.files();
            lastGoodPages = DevServer.Pages.of(lastGood);
            pendingProblems = List.of();
        } catch (BuildException e) {
            pendingProblems = e.diagnostics();
        } catch (SiteDirectory.Refused e) {
            pendingProblems = List.of(Diagnostic.file(display(options.out()), "write", e.reason(), e.hint()));
        } catch (SiteWriter.Failed e) {
            pendingProblems = List.of(Diagnostic.file(display(options.out()), "write",
                    "could not write the site: " + e.reason(), "the last good build is still served; fix the directory"
                            + " or free some space, then save a file to build again"));
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            e.printStackTrace(err);
            String where = writing ? display(options.out()) : "content";
            pendingProblems = List.of(Diagnostic.file(where, writing ? "write" : session.currentStage(),
                    "unexpected error: " + e, "the stack trace is in the terminal running serve, which keeps running"));
        }
        if (first && !pendingProblems.isEmpty()) {
            pendingProblems.forEach(err::println);
            err.println(count(pendingProblems.size(), "error") + "; serving "
                    + (Files.isDirectory(options.out()) ? "the previous " + options.out() : "nothing yet")
                    + " until the book builds");
        }
        return new Rebuild(changed, pendingProblems.isEmpty(), stages, System.nanoTime() - start, written,
                pendingProblems.stream().map(Diagnostic::toString).toList(), 0);
    }

    private void log(Rebuild r) {
        String what = r.changed().size() == 1 ? r.changed().iterator().next() + " changed"
                : r.changed().size() + " files changed";
        if (!r.ok()) {
            r.problems().forEach(err::println);
            err.println(what + ": " + count(r.problems().size(), "error") + "; still serving the last good build");
            return;
        }
        StringBuilder stages = new StringBuilder();
        r.stageNanos().forEach((name, nanos) -> stages.append(stages.length() == 0 ? "" : ", ").append(name)
                .append(' ').append(nanos / 1_000_000));
        out.printf(Locale.ROOT, "%s: rebuilt in %d ms (%s ms), %s%n", what, r.totalNanos() / 1_000_000, stages,
                r.written().isEmpty() ? "no file changed" : count(r.written().size(), "file") + " written, pages reloaded");
    }

    /** What the pages are told: the last good build's version, and the problems with their source lines. */
    private DevServer.State state(List<Diagnostic> problems) {
        List<Object> list = new ArrayList<>();
        for (Diagnostic d : problems) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("text", d.toString());
            p.put("path", d.path());
            p.put("line", d.line());
            p.put("column", d.line() > 0 ? Math.max(1, d.column()) : 0);
            p.put("stage", d.stage());
            p.put("message", d.message());
            p.put("hint", d.hint() == null ? "" : d.hint());
            Map<String, Object> excerpt = excerpt(d);
            if (excerpt != null) {
                p.put("excerpt", excerpt);
            }
            list.add(p);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("version", version == null ? "" : version);
        json.put("problems", list);
        return new DevServer.State(version == null ? "" : version, lastGoodPages, Json.write(json));
    }

    /** A few lines of the problem's source around its line, read now (the file as the author sees it). */
    Map<String, Object> excerpt(Diagnostic d) {
        if (d.line() <= 0) {
            return null;
        }
        List<String> lines;
        try {
            Path root = options.root().toAbsolutePath().normalize();
            Path file = root.resolve(d.path()).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                return null;
            }
            lines = List.of(Files.readString(file, StandardCharsets.UTF_8).split("\r?\n", -1));
        } catch (IOException | InvalidPathException | UncheckedIOException e) {
            return null;
        }
        if (d.line() > lines.size()) {
            return null;
        }
        int first = Math.max(1, d.line() - EXCERPT_CONTEXT);
        int last = Math.min(lines.size(), d.line() + EXCERPT_CONTEXT);
        while (last > d.line() && lines.get(last - 1).isEmpty() && last == lines.size()) {
            last--; // not the empty "line" after a final newline
        }
        Map<String, Object> excerpt = new LinkedHashMap<>();
        excerpt.put("start", first);
        excerpt.put("lines", new ArrayList<Object>(lines.subList(first - 1, last)));
        return excerpt;
    }

    private String display(Path path) {
        return Diagnostic.shown(options.root(), path);
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Stops watching (after a rebuild in progress) and serving; saves the math cache. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (watcher != null) {
                watcher.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        if (loop != null && loop != Thread.currentThread()) {
            try {
                loop.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (server != null) {
            server.close();
        }
        synchronized (this) {
            session.close();
        }
        stopped.countDown();
    }
}
