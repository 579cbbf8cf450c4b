package org.circuitbook.generator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The adversarial corpus: every file under {@code src/test/resources/adversarial/CATEGORY/} is one bad input
 * (a whole project as txtar, a CLI command line, links and decoys) run through the real CLI in process. Each
 * must end with the exit status and the exact diagnostics its file states, never with an exception or a stack
 * trace, must leave every file outside {@code site/} and {@code .cache/} as it was, and, when it fails, leave
 * {@code site/} as it was too. The format is described in {@link Case#parse}.
 */
@DisplayName("The adversarial corpus")
class AdversarialCorpusTest {
    /** The issue asks for a corpus of at least this many bad inputs. */
    static final int MINIMUM_CASES = 150;

    static final Path CORPUS = corpusDir();
    static final boolean RECORD = System.getProperty("adversarial.record") != null;

    /** What every case starts from; its own files override these. */
    static final Map<String, String> BASE = Map.of(
            "content/site.yaml", "title: Adversarial\n",
            "content/chapters/01-a.md", "---\ntitle: A\n---\n\nText.\n");

    /** The previous build the harness leaves in site/ (a real build's marker included) before each case. */
    static final Map<String, String> PREVIOUS_SITE = Map.of(
            ".circuitbook-site", "previous build\n",
            "index.html", "<!doctype html><title>previous build</title>\n");

    @TestFactory
    Stream<DynamicTest> everyCase() {
        return cases().stream().map(file -> DynamicTest.dynamicTest(CORPUS.relativize(file).toString(), file.toUri(),
                () -> Case.parse(file).run()));
    }

    @Test
    @DisplayName("holds at least 150 bad inputs, each with a comment saying what it shows")
    void size() {
        List<Path> all = cases();
        assertTrue(all.size() >= MINIMUM_CASES, "the corpus has " + all.size() + " cases; it needs " + MINIMUM_CASES);
    }

    static List<Path> cases() {
        try (Stream<Path> s = Files.walk(CORPUS)) {
            return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path corpusDir() {
        try {
            return Path.of(AdversarialCorpusTest.class.getResource("/adversarial").toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("no adversarial corpus on the test classpath", e);
        }
    }

    /** One case file, parsed. */
    record Case(Path source, List<List<String>> runs, int exit, boolean previousSite, Map<String, String> links,
                Map<String, String> files, List<String> stderr, Map<String, List<String>> contains,
                Map<String, List<String>> lacks) {

        /**
         * The format. Header lines, before the first {@code -- path --} line: {@code # comment} (the first line,
         * required), {@code run: ARGS} (one CLI run each; words split on spaces, "double quotes" group words;
         * {@code $ROOT} is the project, {@code $OUTSIDE} a scratch directory beside it; {@code --root $ROOT} is
         * added unless ARGS name {@code --root}; default: {@code check}, then {@code build}), {@code exit: N} (of
         * every run; default 1), {@code symlink: LINK -> TARGET}, {@code nosite: true} (no previous site). Then
         * sections: {@code -- PATH --} a file under $ROOT (or $OUTSIDE/...), written over the base site, in which
         * {@code ${repeat:N:TEXT}} is TEXT N times ({@code \n} a newline); {@code -- stderr --} each run's exact
         * stderr lines, less the summary lines ({@code N errors}, {@code build failed; ...}); {@code -- contains
         * PATH --} and {@code -- lacks PATH --} lines that must or must not occur in that file after the runs.
         */
        static Case parse(Path source) throws IOException {
            List<String> lines = List.of(Files.readString(source, StandardCharsets.UTF_8).split("\n", -1));
            if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
                fail(source + ": a case starts with a '# ' line saying what it shows");
            }
            List<List<String>> runs = new ArrayList<>();
            int exit = 1;
            boolean previousSite = true;
            Map<String, String> links = new LinkedHashMap<>();
            int i = 0;
            for (; i < lines.size() && !isSection(lines.get(i)); i++) {
                String line = lines.get(i);
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                int colon = line.indexOf(": ");
                if (colon < 0) {
                    fail(source + ":" + (i + 1) + ": header lines are KEY: VALUE, got " + line);
                }
                String key = line.substring(0, colon);
                String value = line.substring(colon + 2).strip();
                switch (key) {
                    case "run" -> runs.add(words(value));
                    case "exit" -> exit = Integer.parseInt(value);
                    case "nosite" -> previousSite = !value.equals("true");
                    case "symlink" -> {
                        int arrow = value.indexOf(" -> ");
                        links.put(value.substring(0, arrow).strip(), value.substring(arrow + 4).strip());
                    }
                    default -> fail(source + ":" + (i + 1) + ": unknown header key " + key);
                }
            }
            if (runs.isEmpty()) {
                runs.add(List.of("check"));
                runs.add(List.of("build"));
            }
            Map<String, String> files = new LinkedHashMap<>();
            List<String> stderr = new ArrayList<>();
            Map<String, List<String>> contains = new LinkedHashMap<>();
            Map<String, List<String>> lacks = new LinkedHashMap<>();
            while (i < lines.size()) {
                String name = lines.get(i).substring(3, lines.get(i).length() - 3).strip();
                List<String> body = new ArrayList<>();
                for (i++; i < lines.size() && !isSection(lines.get(i)); i++) {
                    body.add(lines.get(i));
                }
                if (name.equals("stderr")) {
                    body.stream().filter(l -> !l.isEmpty()).forEach(stderr::add);
                } else if (name.startsWith("contains ") || name.startsWith("lacks ")) {
                    (name.startsWith("contains ") ? contains : lacks).put(name.substring(name.indexOf(' ') + 1),
                            body.stream().filter(l -> !l.isEmpty()).toList());
                } else {
                    String text = String.join("\n", body);
                    files.put(name, expand(text.endsWith("\n") || text.isEmpty() ? text : text + "\n"));
                }
            }
            return new Case(source, runs, exit, previousSite, links, files, stderr, contains, lacks);
        }

        private static boolean isSection(String line) {
            return line.startsWith("-- ") && line.endsWith(" --") && line.length() > 6;
        }

        /** Splits on spaces; "double quotes" keep their words together. */
        private static List<String> words(String s) {
            List<String> out = new ArrayList<>();
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            boolean any = false;
            for (char c : s.toCharArray()) {
                if (c == '"') {
                    quoted = !quoted;
                    any = true;
                } else if (c == ' ' && !quoted) {
                    if (any) {
                        out.add(word.toString());
                    }
                    word.setLength(0);
                    any = false;
                } else {
                    word.append(c);
                    any = true;
                }
            }
            if (any) {
                out.add(word.toString());
            }
            return out;
        }

        /** {@code ${repeat:N:TEXT}} becomes TEXT N times ({@code \n} in TEXT is a newline). */
        static String expand(String text) {
            StringBuilder out = new StringBuilder();
            int at = 0;
            while (true) {
                int start = text.indexOf("${repeat:", at);
                if (start < 0) {
                    return out.append(text, at, text.length()).toString();
                }
                int colon = text.indexOf(':', start + 9);
                int end = text.indexOf('}', colon + 1);
                int n = Integer.parseInt(text.substring(start + 9, colon));
                String unit = text.substring(colon + 1, end).replace("\\n", "\n");
                out.append(text, at, start).append(unit.repeat(n));
                at = end + 1;
            }
        }

        void run() throws IOException {
            Path work = Files.createTempDirectory("adversarial");
            try {
                Path root = work.resolve("project");
                Path outside = work.resolve("outside");
                Files.createDirectories(root);
                Files.createDirectories(outside);
                Map<String, String> all = new TreeMap<>(BASE);
                all.putAll(files);
                for (Map.Entry<String, String> f : all.entrySet()) {
                    String path = f.getKey();
                    Path file = path.startsWith("$OUTSIDE/") ? outside.resolve(path.substring(9)) : root.resolve(path);
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
                }
                if (previousSite) {
                    for (Map.Entry<String, String> f : PREVIOUS_SITE.entrySet()) {
                        Path file = root.resolve("site").resolve(f.getKey());
                        Files.createDirectories(file.getParent());
                        Files.writeString(file, f.getValue());
                    }
                }
                for (Map.Entry<String, String> l : links.entrySet()) {
                    Path link = root.resolve(l.getKey());
                    Files.createDirectories(link.getParent());
                    Files.createSymbolicLink(link, Path.of(substitute(l.getValue(), root, outside)));
                }
                Map<String, String> before = snapshot(work);
                for (List<String> args : runs) {
                    runOnce(args, root, outside);
                }
                Map<String, String> after = snapshot(work);
                for (Map.Entry<String, String> e : before.entrySet()) {
                    String path = e.getKey();
                    boolean output = path.startsWith("project/site/") || path.startsWith("project/.cache/");
                    if (!output || exit != 0 && path.startsWith("project/site/")) {
                        assertEquals(e.getValue(), after.get(path), source.getFileName() + ": " + path
                                + " must be left as it was");
                    }
                }
                for (String path : after.keySet()) {
                    boolean output = exit == 0 && (path.equals("project/site") || path.startsWith("project/site/"))
                            || path.equals("project/.cache") || path.startsWith("project/.cache/");
                    assertTrue(before.containsKey(path) || output, source.getFileName() + ": the runs wrote " + path);
                }
                for (Map.Entry<String, List<String>> c : contains.entrySet()) {
                    String text = Files.readString(root.resolve(c.getKey()));
                    for (String line : c.getValue()) {
                        assertTrue(text.contains(line), source.getFileName() + ": " + c.getKey() + " lacks " + line);
                    }
                }
                for (Map.Entry<String, List<String>> c : lacks.entrySet()) {
                    Path file = root.resolve(c.getKey());
                    String text = Files.exists(file) ? Files.readString(file) : "";
                    for (String line : c.getValue()) {
                        assertTrue(!text.contains(line), source.getFileName() + ": " + c.getKey() + " contains " + line);
                    }
                }
            } finally {
                deleteTree(work);
            }
        }

        private void runOnce(List<String> template, Path root, Path outside) {
            List<String> args = new ArrayList<>();
            for (String a : template) {
                args.add(substitute(a, root, outside));
            }
            if (!args.contains("--root") && !args.isEmpty() && !args.get(0).startsWith("-")) {
                args.add("--root");
                args.add(root.toString());
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status;
            try {
                status = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
            } catch (Throwable t) {
                throw new AssertionError(source.getFileName() + ": circuitbook " + String.join(" ", template)
                        + " threw instead of reporting a problem", t);
            }
            String stdout = out.toString(StandardCharsets.UTF_8).replace(root.toString(), "$ROOT")
                    .replace(outside.toString(), "$OUTSIDE");
            String stderrText = err.toString(StandardCharsets.UTF_8).replace(root.toString(), "$ROOT")
                    .replace(outside.toString(), "$OUTSIDE");
            String what = source.getFileName() + ": circuitbook " + String.join(" ", template);
            for (String line : (stdout + "\n" + stderrText).split("\n")) {
                assertTrue(!looksLikeTrace(line), what + " printed a stack trace line: " + line
                        + "\n--- stderr ---\n" + stderrText);
            }
            List<String> shown = Stream.of(stderrText.split("\n")).filter(l -> !l.isEmpty())
                    .filter(l -> !l.matches("\\d+ errors?") && !l.startsWith("build failed; ")).toList();
            if (RECORD && (!stderr.equals(shown) || exit != status)) {
                record(shown, status);
                return;
            }
            assertEquals(String.join("\n", stderr), String.join("\n", shown), what + ": stderr\n--- stdout ---\n" + stdout);
            assertEquals(exit, status, what + ": exit status\n--- stderr ---\n" + stderrText);
        }

        /**
         * {@code -Dadversarial.record}: writes what the run printed into the case's source file (its exit line
         * and stderr section), like a golden test's update mode, to review with {@code git diff} before committing.
         */
        private void record(List<String> shown, int status) {
            Path file = Path.of("src/test/resources/adversarial").resolve(CORPUS.relativize(source).toString());
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                int at = text.indexOf("\n-- stderr --\n");
                if (at >= 0) {
                    int end = text.indexOf("\n-- ", at + 14);
                    text = text.substring(0, at) + (end >= 0 ? text.substring(end) : "\n");
                }
                text = text.stripTrailing() + "\n-- stderr --\n" + String.join("\n", shown) + (shown.isEmpty() ? "" : "\n");
                if (status != exit) {
                    text = text.contains("\nexit: ") ? text.replaceFirst("\nexit: \\d+", "\nexit: " + status)
                            : text.replaceFirst("\n", "\nexit: " + status + "\n");
                }
                Files.writeString(file, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static boolean looksLikeTrace(String line) {
            return line.startsWith("\tat ") || line.startsWith("    at ") || line.contains("Exception")
                    || line.contains("java.lang.") || line.contains("java.io.") || line.contains("java.nio.")
                    || line.startsWith("Caused by:");
        }

        private static String substitute(String s, Path root, Path outside) {
            return s.replace("$ROOT", root.toString()).replace("$OUTSIDE", outside.toString());
        }
    }

    /** Every file and link under {@code dir} (links not followed) with its bytes' hash or its target. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, java.util.HexFormat.of().formatHex(sha256(Files.readAllBytes(p))));
                } else if (!rel.isEmpty()) {
                    out.put(rel, "dir");
                }
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

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.deleteIfExists(p);
            }
        }
    }
}
