package org.circuitbook.generator.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.BuildPipeline;
import org.circuitbook.generator.BuildSession;
import org.circuitbook.generator.FixtureSite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev server's session renders again only the pages whose inputs changed ({@code PageCache}), and its site is
 * still byte for byte a fresh build's after every kind of edit that reaches across chapters: a caption, an
 * equation, a heading, a glossary definition or an exercise another chapter previews; a renumbering; a diagram's
 * file; a citation that changes the year suffixes; the site's settings; a chapter added in front.
 */
@DisplayName("The dev server's page cache")
class PageCacheTest {
    @TempDir
    Path root;

    private static final String A = """
            ---
            title: A
            ---
            (sec-a)=
            ## Start

            A sentence nothing else reads.

            :::{figure} images/diagrams/one.svg
            :label: fig-one
            :alt: one
            The first figure, of $x^2$.
            :::

            $$
            y = x + 1
            $$ (eq-one)

            :::{exercise} Try it
            :label: ex-one
            Do the thing.
            :::

            As @plain shows.
            """;

    private static final String SITE = """
            -- content/site.yaml --
            title: Cache
            -- content/references.bib --
            @misc{plain, author = {Jones, Ann}, title = {Plain}, year = 2020}
            @misc{first, author = {Smith, Jane}, title = {Beta}, year = 2022}
            @misc{second, author = {Smith, Jane}, title = {Gamma}, year = 2022}
            -- content/images/diagrams/one.svg --
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>One</title><rect x="1" y="1" width="8" height="8"/></svg>
            -- content/chapters/01-a.md --
            """ + A + """
            -- content/chapters/02-b.md --
            ---
            title: B
            ---
            See {numref}`fig-one`, {eq}`eq-one`, [](#sec-a), a {term}`logit` and @first.

            :::{solution} ex-one
            Done.
            :::
            -- content/chapters/03-glossary.md --
            ---
            title: Glossary
            numbered: false
            ---
            :::{glossary}
            Logit
            : A score, drawn in {numref}`fig-one`.
            :::
            """;

    private BuildSession session;
    private int fresh;

    @Test
    @DisplayName("re-renders exactly the pages an edit reaches, and the site stays a fresh build's")
    void edits() throws Exception {
        FixtureSite.write(root, SITE);
        BuildPipeline.Options options = new BuildPipeline.Options(root, root.resolve("site"), root.resolve(".cache"), Set.of(), 1);
        try (BuildSession s = new BuildSession(options, line -> { })) {
            session = s;
            assertRendered(3, "the first build");
            assertRendered(0, "nothing changed");

            edit("01-a.md", "A sentence nothing else reads.", "A sentence still nothing else reads.");
            assertRendered(1, "a sentence only its own page shows");

            edit("01-a.md", "A sentence still nothing else reads.", "A sentence still nothing else reads.\n\nAnd a new paragraph.");
            assertRendered(1, "a paragraph above labels other chapters read: their lines move, what the others show does not");

            edit("01-a.md", "The first figure, of $x^2$.", "The first figure, of $x^3$.");
            assertRendered(3, "a caption the other chapters preview (B's and the glossary's numref cards)");

            edit("03-glossary.md", ": A score, drawn", ": A raw score, drawn");
            assertRendered(2, "a definition B's term card previews");

            edit("01-a.md", "$$\ny = x + 1", "$$\ny = x + 2");
            assertRendered(2, "an equation B's eq card shows");

            edit("01-a.md", "## Start", "## Beginning");
            assertRendered(2, "a heading B's link reads as");

            edit("01-a.md", "Do the thing.", "Do the other thing.");
            // B's solution shows only the exercise's number, but a label's reading includes its preview: re-rendering
            // more than strictly needed is allowed, less never
            assertRendered(2, "an exercise's text");

            Files.writeString(root.resolve("content/images/diagrams/one.svg"),
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><title>One</title><circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>\n");
            assertRendered(1, "a diagram's file (its chapter's text unchanged)");

            edit("01-a.md", "(sec-a)=", ":::{figure} images/diagrams/one.svg\n:alt: before\nA figure before.\n:::\n\n(sec-a)=");
            assertRendered(3, "a figure in front: fig-one renumbered, in B and in the glossary's card");

            edit("01-a.md", "As @plain shows.", "As @plain and @second show.");
            assertRendered(3, "a namesake cited: the year suffixes change on every page that cites Smith");

            edit("../site.yaml", "title: Cache", "title: Cached");
            assertRendered(3, "the site's settings");

            Files.writeString(root.resolve("content/chapters/00-first.md"), "---\ntitle: Zero\n---\nFirst.\n");
            assertRendered(4, "a chapter in front: every number renumbered, the glossary's numref too");
        }
    }

    private void edit(String chapter, String from, String to) throws IOException {
        Path file = root.resolve("content/chapters").resolve(chapter).normalize();
        String text = Files.readString(file);
        assertTrue(text.contains(from), from);
        Files.writeString(file, text.replace(from, to));
    }

    /** Rebuilds the session; asserts how many pages it rendered, and that its site is a fresh session's. */
    private void assertRendered(int expected, String why) {
        Map<String, byte[]> kept = session.build((name, summary, nanos) -> { }).files();
        Path cache = root.resolve("fresh-cache-" + fresh++); // a session of its own: its own math cache file
        Map<String, byte[]> built;
        try (BuildSession s = new BuildSession(new BuildPipeline.Options(root, root.resolve("unused"), cache, Set.of(), 1),
                line -> { })) {
            built = s.build((name, summary, nanos) -> { }).files();
        }
        assertEquals(text(built), text(kept), why + ": the site differs from a fresh build's");
        assertEquals(expected, session.renderedChapters(), why);
    }

    private static List<String> text(Map<String, byte[]> files) {
        List<String> out = new ArrayList<>();
        files.forEach((path, bytes) -> out.add(path + "\n" + new String(bytes, StandardCharsets.UTF_8)));
        return out;
    }
}
