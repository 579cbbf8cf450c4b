package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The contents page shows each chapter's first diagram beside its entry")
class ContentsThumbnailTest {
    @Test
    @DisplayName("a chapter with diagrams gets its first, as the chapter draws it; a chapter without one gets none")
    void firstDiagram(@TempDir Path work) {
        FixtureSite site = FixtureSite.write(work, """
                -- content/site.yaml --
                title: Thumbs
                -- content/chapters/01-a.md --
                ---
                title: A
                ---
                Text.

                :::{figure} images/diagrams/first.svg
                :alt: the first
                One.
                :::

                :::{figure} images/diagrams/second.svg
                :alt: the second
                Two.
                :::
                -- content/chapters/02-b.md --
                ---
                title: B
                ---
                No diagram here.
                -- content/images/diagrams/first.svg --
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>First</title><rect id="r" x="1" y="1" width="8" height="8" class="f-a"/></svg>
                -- content/images/diagrams/second.svg --
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>Second</title><circle cx="5" cy="5" r="4" class="f-b"/></svg>
                """);
        site.build();
        String index = site.read("index.html");
        Matcher thumbs = Pattern.compile("<li class=\"has-thumb\"><a class=\"toc-thumb\" href=\"([^\"]+)\" tabindex=\"-1\" "
                + "aria-hidden=\"true\">(<svg .*?</svg>)</a>", Pattern.DOTALL).matcher(index);
        assertTrue(thumbs.find(), index);
        assertEquals("a.html", thumbs.group(1));
        assertTrue(thumbs.group(2).contains("<title>First</title>") && thumbs.group(2).contains("id=\"dg-first-r\""),
                "the chapter's first diagram, its ids as the chapter has them: " + thumbs.group(2));
        assertTrue(site.read("a.html").contains(thumbs.group(2)), "the same drawing as in the chapter");
        assertTrue(!thumbs.find(), "chapter B has no diagram, so no thumbnail");
        assertTrue(index.contains("<li><a href=\"b.html\">"), index);
    }
}
