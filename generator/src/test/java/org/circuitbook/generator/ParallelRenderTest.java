package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chapters render side by side (PageRenderer's parallel stream, in whatever ForkJoinPool the build runs in): a
 * book whose every chapter reads others (figure and equation numbers and their hover previews, section titles,
 * glossary terms, citations whose year suffixes depend on the whole book, typeset math) renders byte for byte the
 * same on eight threads as on one, build after build.
 */
@DisplayName("Rendering the chapters side by side")
class ParallelRenderTest {
    private static final int CHAPTERS = 12;

    private static String book() {
        StringBuilder t = new StringBuilder("""
                -- content/site.yaml --
                title: Parallel
                -- content/references.bib --
                @misc{a, author = {Smith, Jane}, title = {Alpha}, year = 2022}
                @misc{b, author = {Smith, Jane}, title = {Beta}, year = 2022}
                @misc{c, author = {Smith, Jane}, title = {Gamma}, year = 2022}
                @misc{d, author = {Jones, Ann}, title = {Delta}, year = 2020}
                -- content/images/diagrams/d.svg --
                <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>D</title><rect x="1" y="1" width="8" height="8"/></svg>
                """);
        String[] works = {"a", "b", "c", "d"};
        for (int i = 0; i < CHAPTERS; i++) {
            int next = (i + 1) % CHAPTERS;
            int back = (i + CHAPTERS - 1) % CHAPTERS;
            int far = (i + 5) % CHAPTERS;
            t.append("-- content/chapters/").append(String.format(java.util.Locale.ROOT, "%02d", i + 1)).append("-c")
                    .append(i).append(".md --\n")
                    .append("---\ntitle: Chapter ").append(i).append("\n---\n")
                    .append("(sec-").append(i).append(")=\n## Section ").append(i).append(" on $x_").append(i).append("$\n\n")
                    .append("See {numref}`fig-").append(next).append("`, {eq}`eq-").append(back).append("`, [](#sec-")
                    .append(far).append("), the {term}`term ").append(next % 4).append("` and @")
                    .append(works[i % 4]).append(" [see also @").append(works[(i + 1) % 4]).append("].\n\n")
                    .append(":::{figure} images/diagrams/d.svg\n:label: fig-").append(i).append("\n:alt: d\n")
                    .append("Figure ").append(i).append(", after {numref}`fig-").append(back).append("`.\n:::\n\n")
                    .append("$$\ny_").append(i).append(" = \\frac{x}{").append(i + 2).append("}\n$$ (eq-").append(i).append(")\n\n");
        }
        t.append("-- content/chapters/99-glossary.md --\n---\ntitle: Glossary\nnumbered: false\n---\n:::{glossary}\n");
        for (int k = 0; k < 4; k++) {
            t.append("Term ").append(k).append("\n: Shown in {numref}`fig-").append(k).append("`, after @")
                    .append(works[k]).append(".\n\n");
        }
        return t.append(":::\n").toString();
    }

    private static Map<String, byte[]> build(FixtureSite site, int threads) throws Exception {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            pool.submit(() -> site.build()).get();
        } finally {
            pool.shutdown();
        }
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(site.site())) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(site.site().relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return files;
    }

    @Test
    @DisplayName("a book whose chapters all read each other renders the same on eight threads as on one")
    void sameOnAnyNumberOfThreads(@TempDir Path root) throws Exception {
        FixtureSite site = FixtureSite.write(root, book());
        Map<String, byte[]> one = build(site, 1);
        String first = new String(one.get("c0.html"), java.nio.charset.StandardCharsets.UTF_8);
        for (String read : new String[] {"Figure 2.1", "(12.1)", "2022a", "2022b"}) { // what it reads of the others
            assertTrue(first.contains(read), "chapter 1 shows " + read);
        }
        assertEquals(CHAPTERS + 1 + 2, one.keySet().stream().filter(f -> f.endsWith(".html")).count(), one.keySet().toString());
        for (int run = 0; run < 4; run++) {
            Map<String, byte[]> many = build(site, 8);
            assertEquals(one.keySet(), many.keySet(), "run " + run);
            for (String f : one.keySet()) {
                assertArrayEquals(one.get(f), many.get(f), "run " + run + ": " + f);
            }
        }
    }
}
