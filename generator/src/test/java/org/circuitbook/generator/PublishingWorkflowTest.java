package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.generator.diagnostics.Problems;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The GitHub Actions workflow that tests, builds and publishes the book (.github/workflows/book.yml), read as YAML
 * (this machine has no GitHub to run it on): its triggers, that it runs CI's own script, that its model cache key
 * covers everything the models' cache keys are made of, that every action is pinned to a major version, and that
 * only a push to main deploys.
 */
@DisplayName("The publishing workflow")
class PublishingWorkflowTest {
    static final String WORKFLOW = ".github/workflows/book.yml";
    static Path repo;
    static YamlMap workflow;
    static Problems problems;

    /** Parsed afresh for each test, so that each sees only its own problems. */
    @BeforeEach
    void parse() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve(WORKFLOW))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, WORKFLOW + " not found above " + Path.of("").toAbsolutePath());
        repo = dir;
        problems = new Problems("load");
        workflow = YamlMap.parse(WORKFLOW, Files.readString(repo.resolve(WORKFLOW)), 1, problems);
        problems.throwIfAny();
        assertNotNull(workflow);
    }

    private static List<YamlMap> steps(String job) {
        List<YamlMap> out = new ArrayList<>();
        for (Object o : workflow.map("jobs").map(job).items("steps")) {
            assertTrue(o instanceof YamlMap, job + ": every step is a mapping: " + o);
            out.add((YamlMap) o);
        }
        return out;
    }

    private static YamlMap step(String job, String uses) {
        return steps(job).stream().filter(s -> s.string("uses", "").startsWith(uses + "@")).findFirst()
                .orElseThrow(() -> new AssertionError(job + " has no step using " + uses));
    }

    @Test
    @DisplayName("is valid YAML with only the keys GitHub knows, and runs on push to main, pull requests and by hand")
    void triggers() {
        // GitHub's workflow syntax: every key it knows at each level, so that a misspelt one is caught here
        workflow.checkKeys(Set.of("name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"),
                "the workflow");
        assertEquals(Set.of("push", "pull_request", "workflow_dispatch"), workflow.map("on").keys());
        assertEquals(List.of("main"), workflow.map("on").map("push").items("branches"));
        assertEquals("read", workflow.map("permissions").string("contents", null));
        assertEquals(Set.of("build", "deploy"), workflow.map("jobs").keys());
        for (String job : workflow.map("jobs").keys()) {
            workflow.map("jobs").map(job).checkKeys(Set.of("name", "permissions", "needs", "if", "runs-on", "environment",
                    "concurrency", "outputs", "env", "defaults", "steps", "timeout-minutes", "strategy", "continue-on-error",
                    "container", "services", "uses", "with", "secrets"), "job " + job);
            for (YamlMap step : steps(job)) {
                step.checkKeys(Set.of("name", "id", "if", "uses", "run", "working-directory", "shell", "with", "env",
                        "continue-on-error", "timeout-minutes"), "a step of " + job);
                assertTrue(step.has("uses") != step.has("run"), "a step either uses an action or runs a command");
            }
        }
        problems.throwIfAny(); // unknown keys, and values of the wrong kind
    }

    @Test
    @DisplayName("pins every action to a major version of an actions/ repository")
    void pinned() {
        List<String> uses = new ArrayList<>();
        for (String job : workflow.map("jobs").keys()) {
            steps(job).stream().filter(s -> s.has("uses")).forEach(s -> uses.add(s.string("uses", "")));
        }
        assertEquals(List.of("actions/checkout@v4", "actions/setup-java@v4", "actions/cache@v4",
                "actions/configure-pages@v5", "actions/upload-pages-artifact@v3", "actions/deploy-pages@v4"), uses);
    }

    @Test
    @DisplayName("tests and builds with CI's own script, on Java 17 (Temurin) with Maven's repository cached")
    void build() throws IOException {
        YamlMap java = step("build", "actions/setup-java").map("with");
        assertEquals(List.of("temurin", "17", "maven"),
                List.of(java.string("distribution", ""), java.string("java-version", ""), java.string("cache", "")));
        List<String> runs = steps("build").stream().filter(s -> s.has("run")).map(s -> s.string("run", "").strip()).toList();
        assertTrue(runs.contains(".ci/run"), "runs .ci/run: " + runs);
        assertTrue(Files.isExecutable(repo.resolve(".ci/run")));
        // the packages .ci/run would install are installed up front (with Maven, which .ci/run expects)
        Matcher ci = Pattern.compile("apt-get install -y ([^\\n]+)").matcher(Files.readString(repo.resolve(".ci/run")));
        assertTrue(ci.find(), ".ci/run installs its packages with apt-get");
        String install = runs.stream().filter(r -> r.contains("apt-get install")).findFirst().orElseThrow();
        for (String pkg : ci.group(1).strip().split("\\s+")) {
            assertTrue(install.matches("(?s).*\\b" + Pattern.quote(pkg) + "\\b.*"), "the workflow installs " + pkg);
        }
        assertTrue(install.contains(" maven"), install);
        assertTrue(workflow.map("jobs").map("build").string("container", "").startsWith("debian:"),
                "Debian, whose chromium and chromium-driver are where the browser tests look");
    }

    @Test
    @DisplayName("caches .cache/ under a key that changes with every model spec and every trainer VERSION")
    void modelCache() throws IOException {
        YamlMap cache = step("build", "actions/cache").map("with");
        assertEquals(".cache", cache.string("path", ""));
        String key = cache.string("key", "");
        Matcher hash = Pattern.compile("^models-\\$\\{\\{ hashFiles\\(([^)]*)\\) }}$").matcher(key);
        assertTrue(hash.matches(), key);
        List<String> globs = new ArrayList<>();
        Matcher quoted = Pattern.compile("'([^']+)'").matcher(hash.group(1));
        while (quoted.find()) {
            globs.add(quoted.group(1));
        }
        assertEquals("models-", cache.string("restore-keys", "").strip(), "an older cache is restored on a miss");

        // what ModelCache's keys hash: the specs, and each trainer's VERSION (and the specs' defaults, beside them)
        Set<String> hashed = new TreeSet<>();
        try (Stream<Path> files = Files.walk(repo.resolve("generator/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (Files.readString(f).matches("(?s).*static final String VERSION = \"[a-z-]+/\\d+\";.*")) {
                    hashed.add(repo.relativize(f).toString());
                }
            }
        }
        assertEquals(org.circuitbook.generator.training.ModelKinds.ALL.names().size(), hashed.size(),
                "one trainer per registered kind: " + hashed);
        try (Stream<Path> files = Files.list(repo.resolve("content/models"))) {
            files.forEach(f -> hashed.add(repo.relativize(f).toString()));
        }
        for (String file : hashed) {
            assertTrue(globs.stream().anyMatch(g -> matches(g, file)), file + " is not in the cache key's " + globs);
        }
    }

    /** GitHub's hashFiles globs as used here: a literal path, or one ending in /** (everything below it). */
    private static boolean matches(String glob, String file) {
        return glob.endsWith("/**") ? file.startsWith(glob.substring(0, glob.length() - 2)) : glob.equals(file);
    }

    @Test
    @DisplayName("deploys site/ to GitHub Pages only from main, one deployment at a time")
    void deploy() {
        String publish = "github.ref == 'refs/heads/main' && (github.event_name == 'push' || github.event_name == 'workflow_dispatch')";
        YamlMap build = workflow.map("jobs").map("build");
        assertEquals("${{ " + publish + " }}", build.map("env").string("PUBLISH", ""));
        for (String uses : List.of("actions/configure-pages", "actions/upload-pages-artifact")) {
            assertEquals("env.PUBLISH == 'true'", step("build", uses).string("if", ""), uses);
        }
        assertEquals("site/", step("build", "actions/upload-pages-artifact").map("with").string("path", ""));

        YamlMap deploy = workflow.map("jobs").map("deploy");
        assertEquals("build", deploy.string("needs", ""));
        assertEquals(publish, deploy.string("if", ""));
        assertEquals("write", deploy.map("permissions").string("pages", ""));
        assertEquals("write", deploy.map("permissions").string("id-token", ""));
        assertEquals("github-pages", deploy.map("environment").string("name", ""));
        assertEquals("${{ steps.deployment.outputs.page_url }}", deploy.map("environment").string("url", ""));
        assertEquals("pages", deploy.map("concurrency").string("group", ""));
        assertEquals("false", deploy.map("concurrency").string("cancel-in-progress", ""));
        assertEquals("deployment", step("deploy", "actions/deploy-pages").string("id", ""));
        problems.throwIfAny(); // unknown keys, and values of the wrong kind
    }
}
