package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a long-running {@link BuildSession} (the dev server's) keeps between builds, and when it lets go of it. */
@DisplayName("A build session")
class BuildSessionTest {
    @TempDir
    Path root;

    @Test
    @DisplayName("forgetChapter makes the next build parse and render that chapter again, with the same site")
    void forgetChapter() {
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: Forget
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                (sec-a)=
                ## First
                -- content/chapters/02-b.md --
                ---
                title: B
                ---
                See {ref}`sec-a`.
                """);
        try (BuildSession session = new BuildSession(BuildPipeline.Options.defaults(root), line -> { })) {
            assertNull(session.forgetChapter(0), "nothing to forget before a build");
            Map<String, byte[]> first = session.build((name, summary, nanos) -> { }).files();
            assertEquals("content/chapters/02-b.md", session.forgetChapter(3), "the 4th of 2, in path order");
            Map<String, byte[]> again = session.build((name, summary, nanos) -> { }).files();
            assertEquals(1, session.reparsedChapters());
            assertEquals(1, session.renderedChapters());
            assertEquals(first.keySet(), again.keySet());
            first.forEach((path, bytes) -> assertEquals(new String(bytes, StandardCharsets.UTF_8),
                    new String(again.get(path), StandardCharsets.UTF_8), path));
            assertEquals("content/chapters/01-a.md", session.forgetChapter(-2));
            session.build((name, summary, nanos) -> { });
            assertEquals(1, session.renderedChapters());
        }
    }

    @Test
    @DisplayName("a model spec saved while a build runs is the next build's change, not taken for trained")
    void specSavedDuringABuild() throws IOException {
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: Race
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Trained for {metric}`toy/spec/steps` steps.
                -- content/models/toy.yaml --
                """ + FixtureSite.TINY_SPEC);
        Path spec = root.resolve("content/models/toy.yaml");
        try (BuildSession session = new BuildSession(BuildPipeline.Options.defaults(root), line -> { })) {
            // the save lands between the load stage (which parsed 200 steps) and the train stage
            Map<String, byte[]> first = session.build((name, summary, nanos) -> {
                if (name.equals("load")) {
                    try {
                        Files.writeString(spec, FixtureSite.TINY_SPEC.replace("steps: 200", "steps: 150"));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }).files();
            assertEquals("200", metric(first));
            assertEquals("150", metric(session.build((name, summary, nanos) -> { }).files()),
                    "the rebuild after the save uses the saved spec");
        }
    }

    private static String metric(Map<String, byte[]> files) {
        String page = new String(files.get("a.html"), StandardCharsets.UTF_8);
        var m = Pattern.compile("class=\"metric\"[^>]*>(\\d+)<").matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }
}
