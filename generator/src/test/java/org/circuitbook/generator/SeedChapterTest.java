package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading-course chapter the book's dialect comes from (shared/seeds/001, copied as
 * {@code seed/seed-001.md}), with placeholder images and its citation keys in a test bibliography,
 * builds without errors and leaves no directive syntax in the page.
 */
class SeedChapterTest {
    static final Path SEED = Path.of("src/test/resources/seed");

    @Test
    @DisplayName("the MyST seed chapter renders with no raw ::: or ```{ left in the output")
    void seedRenders(@TempDir Path root) throws Exception {
        FixtureSite site = FixtureSite.copyOf(SEED, root);
        // the seed keeps its front matter in an HTML comment; a chapter needs a real one
        Files.createDirectories(root.resolve("content/chapters"));
        Files.writeString(root.resolve("content/chapters/01-seed.md"),
                "---\ntitle: Seed\n---\n" + Files.readString(SEED.resolve("seed-001.md")));
        site.build();
        String html = site.read("seed.html");
        String article = GoldenCasesTest.article(html);
        assertFalse(article.contains(":::"), "no raw colon fences");
        assertFalse(article.contains("```{"), "no raw backtick directives");
        assertFalse(article.contains(":label:"), "no raw directive options");
        assertEquals(4, article.split("<figure class=\"figure", -1).length - 1, "four figures");
        assertTrue(article.contains("<span class=\"caption-number\">Figure 1.4</span>"));
        assertTrue(article.contains("<aside class=\"admonition note\""));
        assertTrue(article.contains("<aside class=\"admonition hint\""));
        assertTrue(article.contains("Elhage et al. (2021)"), "narrative citation rendered");
        assertTrue(article.contains("<section class=\"references\""));
        List<String> images = site.siteFiles().stream().filter(f -> f.startsWith("images/")).toList();
        assertEquals(4, images.size(), "the figures' images are published: " + images);
    }
}
