package org.circuitbook.generator.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.circuitbook.generator.FixtureSite;
import org.circuitbook.generator.content.ContentLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The prose word list for spell-checking")
class ProseWordsTest {
    @Test
    @DisplayName("holds the words readers read, where they are written, and no code, math, keys or URLs")
    void wordsAndPlaces(@TempDir Path root) {
        FixtureSite.write(root, """
                -- content/site.yaml --
                title: Words
                -- content/chapters/01-a.md --
                ---
                title: Opening teh box
                summary: Short
                ---
                # Heding

                Prose with `codez` and $\\mathrm{mathz}$, a citation @keyz and {ref}`labelz`.
                A [linkk](https://example.org/pathz) and InceptionV1's model's weights.

                ```python
                pythonz = 1
                ```

                :::{note} Notte
                :class: dropdown
                Inside.
                :::
                """);
        List<String> words = ProseWords.of(ContentLoader.load(root)).stream().map(Object::toString).toList();
        assertEquals(List.of(
                "content/chapters/01-a.md:2:8\tOpening", "content/chapters/01-a.md:2:16\tteh",
                "content/chapters/01-a.md:2:20\tbox", "content/chapters/01-a.md:3:10\tShort",
                "content/chapters/01-a.md:5:3\tHeding",
                "content/chapters/01-a.md:7:1\tProse", "content/chapters/01-a.md:7:7\twith",
                "content/chapters/01-a.md:7:20\tand", "content/chapters/01-a.md:7:42\ta",
                "content/chapters/01-a.md:7:44\tcitation", "content/chapters/01-a.md:7:59\tand",
                "content/chapters/01-a.md:8:1\tA", "content/chapters/01-a.md:8:4\tlinkk",
                "content/chapters/01-a.md:8:38\tand", "content/chapters/01-a.md:8:56\tmodel's",
                "content/chapters/01-a.md:8:64\tweights",
                "content/chapters/01-a.md:14:11\tNotte", "content/chapters/01-a.md:16:1\tInside"),
                words);
    }
}
