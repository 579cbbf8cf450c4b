package org.circuitbook.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden files: every {@code golden/cases/NAME.md} is built as chapter 1 of a small book (with a second
 * chapter to refer to, an image and a bibliography) and its {@code <article>} must equal
 * {@code golden/cases/NAME.html}. A mismatch writes {@code NAME-changed.html} beside it and shows the first
 * differing lines; {@code -Dcircuitbook.updateGolden=true} accepts the new output.
 */
class GoldenCasesTest {
    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> everyCaseRendersAsExpected() throws IOException {
        return Files.list(GOLDEN.resolve("cases")).filter(p -> p.toString().endsWith(".md")).sorted()
                .map(md -> DynamicTest.dynamicTest(md.getFileName().toString(), () -> check(md)));
    }

    private void check(Path md) throws IOException {
        String name = md.getFileName().toString().replace(".md", "");
        Path root = work.resolve(name);
        FixtureSite site = FixtureSite.copyOf(GOLDEN.resolve("book"), root);
        Files.copy(md, root.resolve("content/chapters/01-" + name + ".md"));
        site.build();
        Golden.assertMatches(GOLDEN.resolve("cases/" + name + ".html"), article(site.read(name + ".html")));
    }

    static String article(String page) {
        int start = page.indexOf("<article");
        int end = page.indexOf("</article>");
        if (start < 0 || end < 0) {
            throw new UncheckedIOException(new IOException("no <article> in page"));
        }
        return page.substring(start, end + "</article>".length()) + "\n";
    }
}
