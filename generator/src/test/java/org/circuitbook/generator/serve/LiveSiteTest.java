package org.circuitbook.generator.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.widgets.weights.Json;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code circuitbook serve} over HTTP, as the live script sees it: the event stream, the pages, and the site on
 * disk, through real edits of a fixture book's files. Waits are bounded and generous; nothing is timed.
 */
@DisplayName("The live dev server")
class LiveSiteTest {
    private static final long WAIT_S = 60;
    private static final String A = """
            ---
            title: A
            ---
            (sec-a)=
            ## First

            Hello from A.
            """;

    /** Chapter A and chapter B, which refers to A's section. */
    private static final String TWO_CHAPTERS = """
            -- content/site.yaml --
            title: Live
            -- content/chapters/01-a.md --
            """ + A + """
            -- content/chapters/02-b.md --
            ---
            title: B
            ---
            See {ref}`sec-a`.
            """;

    @TempDir
    Path root;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final BlockingQueue<LiveSite.Rebuild> rebuilds = new LinkedBlockingQueue<>();
    private final BlockingQueue<Map<?, ?>> events = new LinkedBlockingQueue<>();
    private LiveSite live;

    @AfterEach
    void stop() {
        if (live != null) {
            live.close();
        }
    }

    private LiveSite start() throws IOException {
        live = LiveSite.start(BuildPipeline.Options.defaults(root), 0, new PrintStream(out, true),
                new PrintStream(err, true));
        live.onRebuild(rebuilds::add);
        return live;
    }

    /** Reads the event stream in the background, one parsed {@code state} event at a time. */
    private void listen() {
        HttpRequest request = HttpRequest.newBuilder(URI.create(live.url() + "__circuitbook/events")).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> {
            assertEquals("text/event-stream; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
            response.body().filter(l -> l.startsWith("data: "))
                    .forEach(l -> events.add((Map<?, ?>) Json.parse(l.substring("data: ".length()))));
        });
    }

    private Map<?, ?> nextEvent() throws InterruptedException {
        Map<?, ?> e = events.poll(WAIT_S, TimeUnit.SECONDS);
        assertTrue(e != null, "an event within " + WAIT_S + " s; log:\n" + out + err);
        return e;
    }

    private LiveSite.Rebuild nextRebuild() throws InterruptedException {
        LiveSite.Rebuild r = rebuilds.poll(WAIT_S, TimeUnit.SECONDS);
        assertTrue(r != null, "a rebuild within " + WAIT_S + " s; log:\n" + out + err);
        return r;
    }

    private String get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(live.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path);
        return r.body();
    }

    private void write(String path, String text) throws IOException {
        Files.writeString(root.resolve(path), text);
    }

    @Test
    @DisplayName("reloads pages after an edit, writes only the changed files, shows problems with their source, and takes them away when fixed")
    void editBreakFix() throws Exception {
        FixtureSite.write(root, TWO_CHAPTERS);
        start();
        listen();
        Map<?, ?> first = nextEvent();
        String v1 = (String) first.get("version");
        assertEquals(List.of(), first.get("problems"));
        assertTrue(out.toString().contains("built in "), out.toString());

        String page = get("a.html");
        assertTrue(page.contains("Hello from A."));
        assertTrue(page.endsWith("<script src=\"/__circuitbook/live.js\" data-build=\"" + v1 + "\"></script>\n</body>\n</html>\n"),
                page.substring(page.length() - 200));
        assertFalse(Files.readString(root.resolve("site/a.html")).contains("__circuitbook"),
                "the live script is never written into the site");
        assertTrue(get("__circuitbook/live.js").contains("new EventSource(\"/__circuitbook/events\")"));

        // an edit: the page's new text, and only its file (and the search index, which holds the text) written
        write("content/chapters/01-a.md", A.replace("Hello from A.", "Hello again from A."));
        LiveSite.Rebuild edit = nextRebuild();
        assertTrue(edit.ok(), edit.problems().toString());
        assertEquals(List.of("a.html", "search-index.json"), edit.written());
        assertEquals(java.util.Set.of("content/chapters/01-a.md"), edit.changed());
        Map<?, ?> second = nextEvent();
        String v2 = (String) second.get("version");
        assertNotEquals(v1, v2);
        assertEquals(List.of(), second.get("problems"));
        assertTrue(get("a.html").contains("Hello again from A."));
        assertTrue(Files.readString(root.resolve("site/a.html")).contains("Hello again from A."));

        // a heading another chapter refers to: both pages change
        write("content/chapters/01-a.md", A.replace("## First", "## Start"));
        assertEquals(List.of("a.html", "b.html", "search-index.json"), nextRebuild().written());
        nextEvent();
        assertTrue(get("b.html").contains(">Start</a>"), get("b.html"));
        String good = get("a.html");

        // broken: the problem, with the lines around it, and the last good page still served
        write("content/chapters/01-a.md", A.replace("Hello from A.", "Hello, see {ref}`nope`."));
        LiveSite.Rebuild broken = nextRebuild();
        assertFalse(broken.ok());
        Map<?, ?> problems = nextEvent();
        assertEquals(Map.of("version", v2.substring(0, v2.indexOf('.')) + ".3", "problems", List.of(Map.of(
                "text", "content/chapters/01-a.md:7:12: check: unknown label \"nope\" (known: sec-a)",
                "path", "content/chapters/01-a.md", "line", 7L, "column", 12L, "stage", "check",
                "message", "unknown label \"nope\"", "hint", "known: sec-a",
                "excerpt", Map.of("start", 5L, "lines", List.of("## First", "", "Hello, see {ref}`nope`."))))),
                problems);
        assertEquals(good, get("a.html"), "the last good build is still served");
        assertTrue(err.toString().contains("content/chapters/01-a.md:7:12: check: unknown label \"nope\" (known: sec-a)\n"
                + "content/chapters/01-a.md changed: 1 error; still serving the last good build\n"), err.toString());

        // fixed back to the last good text: nothing to write, so no reload, and the problems go away
        write("content/chapters/01-a.md", A.replace("## First", "## Start"));
        LiveSite.Rebuild fixed = nextRebuild();
        assertTrue(fixed.ok());
        assertEquals(List.of(), fixed.written());
        assertEquals(Map.of("version", problems.get("version"), "problems", List.of()), nextEvent());

        // the site served and on disk is exactly what a fresh build writes
        FixtureSite fresh = FixtureSite.copyOf(root.resolve("content"), Files.createDirectories(root.resolve("fresh/content")));
        new BuildPipeline(new BuildPipeline.Options(root.resolve("fresh"), root.resolve("fresh/site"), root.resolve(".cache"),
                java.util.Set.of(), 1), line -> { }).run();
        assertEquals(tree(root.resolve("fresh/site")), tree(root.resolve("site")));
        assertEquals(Files.readString(root.resolve("fresh/site/b.html")),
                get("b.html").replace("<script src=\"/__circuitbook/live.js\" data-build=\"" + problems.get("version")
                        + "\"></script>\n", ""));
    }

    @Test
    @DisplayName("retrains only the model spec that changed, and re-reads a spec whose edit changes nothing")
    void modelSpecs() throws Exception {
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: Live
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Trained for {metric}`toy2/spec/steps` steps.

                :::{widget} superposition
                :model: toy2
                :::
                -- content/models/toy.yaml --
                """ + FixtureSite.TINY_SPEC + "-- content/models/toy2.yaml --\n" + FixtureSite.TINY_SPEC);
        start();
        out.reset();
        write("content/models/toy2.yaml", FixtureSite.TINY_SPEC.replace("steps: 200", "steps: 150"));
        LiveSite.Rebuild retrained = nextRebuild();
        assertTrue(retrained.ok(), retrained.problems().toString());
        List<String> log = out.toString().lines().toList();
        assertEquals(1, log.stream().filter(l -> l.startsWith("  train ")).count(), out.toString());
        assertTrue(log.get(0).startsWith("  train toy2 [stale] 2 models"), out.toString());
        // the new weights (content-hashed names) and the page that loads them
        assertTrue(retrained.written().contains("a.html"), retrained.written().toString());
        assertTrue(retrained.written().contains("models/toy2/index.json"), retrained.written().toString());
        assertFalse(retrained.written().stream().anyMatch(p -> p.startsWith("models/toy/")), retrained.written().toString());

        out.reset();
        write("content/models/toy2.yaml", "# a comment\n" + FixtureSite.TINY_SPEC.replace("steps: 200", "steps: 150"));
        LiveSite.Rebuild comment = nextRebuild();
        assertTrue(out.toString().startsWith("  train toy2 [fresh] 2 models"), out.toString());
        assertEquals(List.of(), comment.written());

        // retrained again: the figure's provenance (drawn once per trained set and widget) and the metric's text
        // (kept while the trained sets are the same) follow the new set
        assertTrue(get("a.html").contains("steps = 150"), "the provenance lists the spec's settings");
        assertTrue(java.util.regex.Pattern.compile("class=\"metric\"[^>]*>150<").matcher(get("a.html")).find(), get("a.html"));
        write("content/models/toy2.yaml", FixtureSite.TINY_SPEC.replace("steps: 200", "steps: 120"));
        LiveSite.Rebuild again = nextRebuild();
        assertTrue(again.ok(), again.problems().toString());
        String page = get("a.html");
        assertTrue(page.contains("steps = 120") && !page.contains("steps = 150"), page);
        assertTrue(java.util.regex.Pattern.compile("class=\"metric\"[^>]*>120<").matcher(page).find(), page);
    }

    @Test
    @DisplayName("warm-up rebuilds after the first build write and publish nothing, and a save goes before the rest of them")
    void warmUps() throws Exception {
        FixtureSite.write(root, TWO_CHAPTERS);
        int many = 100_000; // far more than run in this test: the save must not wait for them
        live = LiveSite.start(BuildPipeline.Options.defaults(root), 0, new PrintStream(out, true),
                new PrintStream(err, true), many);
        live.onRebuild(rebuilds::add);
        listen();
        String v1 = (String) nextEvent().get("version");
        List<String> site = tree(root.resolve("site"));
        Map<Path, java.nio.file.attribute.FileTime> times = new java.util.HashMap<>();
        try (Stream<Path> s = Files.walk(root.resolve("site"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        while (live.warmUpsDone() < 20 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(live.warmUpsDone() >= 20, "warm-up rebuilds run: " + live.warmUpsDone());
        assertEquals(site, tree(root.resolve("site")));
        for (Map.Entry<Path, java.nio.file.attribute.FileTime> e : times.entrySet()) {
            assertEquals(e.getValue(), Files.getLastModifiedTime(e.getKey()), "rewritten: " + e.getKey());
        }
        assertTrue(events.isEmpty(), "no event from a warm-up: " + events);
        assertTrue(rebuilds.isEmpty(), "no rebuild reported for a warm-up: " + rebuilds);
        assertEquals(v1, get("a.html").replaceAll("(?s).*data-build=\"([^\"]*)\".*", "$1"));

        // a save while they run: rebuilt, written and reloaded as without them (whichever of the two reads it first)
        write("content/chapters/01-a.md", A.replace("Hello from A.", "Hello again from A."));
        LiveSite.Rebuild edit = nextRebuild();
        assertTrue(live.warmUpsDone() < many, "the save waited for every warm-up rebuild");
        assertTrue(edit.ok(), edit.problems().toString());
        assertEquals(List.of("a.html", "search-index.json"), edit.written());
        assertNotEquals(v1, nextEvent().get("version"));
        assertTrue(get("a.html").contains("Hello again from A."));
        assertTrue(Files.readString(root.resolve("site/a.html")).contains("Hello again from A."));
        assertEquals("", err.toString());
    }

    @Test
    @DisplayName("keeps serving when the first build is broken, then builds the site once it is fixed")
    void brokenFirstBuild() throws Exception {
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: Live
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                :::{nope}
                :::
                """);
        start();
        listen();
        Map<?, ?> first = nextEvent();
        assertEquals("", first.get("version"));
        assertEquals(1, ((List<?>) first.get("problems")).size());
        assertTrue(err.toString().endsWith("1 error; serving nothing yet until the book builds\n"), err.toString());
        HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create(live.url() + "a.html")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, missing.statusCode());
        assertTrue(missing.body().contains("<script src=\"/__circuitbook/live.js\" data-build=\"\"></script>"));
        assertFalse(Files.exists(root.resolve("site")));

        write("content/chapters/01-a.md", A);
        assertTrue(nextRebuild().ok());
        Map<?, ?> good = nextEvent();
        assertNotEquals("", good.get("version"));
        assertTrue(get("a.html").contains("Hello from A."));
        assertTrue(Files.isRegularFile(root.resolve("site/a.html")));
    }

    @Test
    @DisplayName("turns an exception in a stage into a problem on the page and keeps running")
    void unexpectedError() throws Exception {
        FixtureSite.write(root, "-- content/site.yaml --\ntitle: Live\n-- content/chapters/01-a.md --\n" + A);
        start();
        listen();
        nextEvent();
        // site/a.html cannot be replaced: the write stage fails, and says where and why
        Files.delete(root.resolve("site/a.html"));
        Files.createDirectories(root.resolve("site/a.html/blocked"));
        write("content/chapters/01-a.md", A.replace("Hello from A.", "Hello again."));
        LiveSite.Rebuild failed = nextRebuild();
        assertFalse(failed.ok());
        assertEquals(1, failed.problems().size());
        assertEquals("site: write: could not write the site: " + root.resolve("site/a.html") + ": Is a directory"
                + " (the last good build is still served; fix the directory or free some space, then save a file to"
                + " build again)", failed.problems().get(0));
        assertFalse(err.toString().contains("\tat "), "a write the file system refuses is a problem, not a trace: " + err);
        Map<?, ?> event = nextEvent();
        assertEquals(1, ((List<?>) event.get("problems")).size());
        assertTrue(get("a.html").contains("Hello from A."), "the last good build is still served");

        Files.delete(root.resolve("site/a.html/blocked"));
        Files.delete(root.resolve("site/a.html"));
        write("content/chapters/01-a.md", A.replace("Hello from A.", "Hello at last."));
        LiveSite.Rebuild fixed = nextRebuild();
        assertTrue(fixed.ok(), fixed.problems().toString());
        assertEquals(List.of("a.html", "search-index.json"), fixed.written());
        assertEquals(List.of(), nextEvent().get("problems"));
        assertTrue(get("a.html").contains("Hello at last."));
        assertTrue(Files.readString(root.resolve("site/a.html")).contains("Hello at last."));
    }

    private static List<String> tree(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                out.add(dir.relativize(p) + " " + java.util.HexFormat.of().formatHex(
                        java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
