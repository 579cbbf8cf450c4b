package org.circuitbook.generator.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("First-load bytes, as the benchmarks count them")
class FirstLoadTest {
    @Test
    @DisplayName("count the page and the stylesheets and scripts it links, however their attributes are written")
    void counts(@TempDir Path site) throws Exception {
        Files.createDirectories(site.resolve("assets"));
        Files.createDirectories(site.resolve("part"));
        Files.writeString(site.resolve("assets/a.css"), "a".repeat(1000));
        Files.writeString(site.resolve("assets/b.css"), "b".repeat(200));
        Files.writeString(site.resolve("assets/app.js"), "x".repeat(3000));
        Files.writeString(site.resolve("assets/boot.js"), "b".repeat(50));
        Files.writeString(site.resolve("assets/bundle.js"), "y".repeat(9000));
        Files.writeString(site.resolve("favicon.svg"), "<svg/>");
        String html = """
                <!doctype html><html><head>
                <link rel="icon" href="../favicon.svg">
                <link rel="stylesheet" href="../assets/a.css?v=1">
                <link href='../assets/b.css' media=print rel="preload stylesheet">
                <script src="../assets/app.js#x" defer></script>
                <script>inline()</script>
                <script src="../assets/boot.js" data-bundle="../assets/bundle.js"></script>
                </head><body>text</body></html>
                """;
        Files.writeString(site.resolve("part/page.html"), html);
        FirstLoad load = FirstLoad.of(site, "part/page.html");
        assertEquals(List.of("part/page.html", "assets/a.css", "assets/b.css", "assets/app.js", "assets/boot.js"),
                load.files());
        assertEquals(List.of((long) html.length(), 1200L, 3050L, html.length() + 4250L),
                List.of(load.html(), load.css(), load.js(), load.total()));
        long gzip = FirstLoad.gzipSize(html.getBytes()) + FirstLoad.gzipSize("a".repeat(1000).getBytes()) + FirstLoad.gzipSize("b".repeat(200).getBytes())
                + FirstLoad.gzipSize("x".repeat(3000).getBytes()) + FirstLoad.gzipSize("b".repeat(50).getBytes());
        assertEquals(gzip, load.gzip(), "each file gzipped on its own, as a server sends it");
        long bundleGzip = FirstLoad.gzipSize("y".repeat(9000).getBytes());
        assertEquals(List.of(List.of("assets/bundle.js"), 9000L, bundleGzip),
                List.of(load.onDemand(), load.onDemandJs(), load.onDemandGzip()), "the bundle loaded on demand, apart");
        FirstLoad fetched = load.withOnDemand();
        assertEquals(List.of(3050L + 9000L, gzip + bundleGzip, List.of("part/page.html", "assets/a.css", "assets/b.css",
                "assets/app.js", "assets/boot.js", "assets/bundle.js")), List.of(fetched.js(), fetched.gzip(), fetched.files()));
    }

    @Test
    @DisplayName("a stylesheet or script from another host is an error: the book serves everything itself")
    void otherHosts(@TempDir Path site) throws Exception {
        Files.writeString(site.resolve("page.html"), "<script src=\"https://cdn.example/x.js\"></script>");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> FirstLoad.of(site, "page.html"));
        assertEquals("page.html loads https://cdn.example/x.js from another host; the book serves everything itself",
                e.getMessage());
    }
}
