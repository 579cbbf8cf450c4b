package org.circuitbook.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.circuitbook.widgets.weights.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader's site around the chapters, built from the {@code sites/reader} fixture (whose site.yaml sets
 * {@code url}): sidebar, reading time, unnumbered pages, the search index, sitemap, 404 page, Open Graph tags
 * and preview images, the Content-Security-Policy, and what changes without a URL.
 */
@DisplayName("The reader's site (sidebar, search index, sitemap, 404, Open Graph, CSP)")
class ReaderSiteTest {
    static final Path FIXTURE = Path.of("src/test/resources/sites/reader");
    static final String CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            + "style-src-elem 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
            + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";
    static FixtureSite site;

    @BeforeAll
    static void build(@TempDir Path work) {
        site = FixtureSite.copyOf(FIXTURE, work);
        site.build();
    }

    private static List<String> pages() {
        return site.siteFiles().stream().filter(f -> f.endsWith(".html")).toList();
    }

    @Test
    @DisplayName("writes the 404 page, sitemap, search index, chrome scripts and one preview image per chapter")
    void files() {
        List<String> files = site.siteFiles().stream().filter(f -> !f.startsWith("assets/katex/") && !f.startsWith("models/"))
                .map(f -> f.replaceAll("\\.[0-9a-f]{12}\\.svg$", ".HASH.svg")).toList();
        assertEquals(List.of(".circuitbook-site", "404.html", "about.html", "assets/boot.js",
                "assets/figures/superposition.HASH.svg", "assets/figures/superposition.HASH.svg", "assets/highlight.css", "assets/search.js",
                "assets/site.js", "assets/style.css", "assets/theme.js", "assets/widgets.js", "favicon.svg", "index.html",
                "og/about.png", "og/second.png", "og/toy.png", "search-index.json", "second.html", "sitemap.xml",
                "toy.html"), files);
    }

    @Test
    @DisplayName("every page has the Content-Security-Policy, and no inline script or <style> element")
    void contentSecurityPolicy() {
        for (String page : pages()) {
            String html = site.read(page);
            assertTrue(html.contains("<meta http-equiv=\"Content-Security-Policy\" content=\"" + CSP + "\">"), page);
            Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL).matcher(html);
            int count = 0;
            while (scripts.find()) {
                count++;
                assertTrue(scripts.group(1).matches(" src=\"[^\"]+\"( data-bundle=\"[^\"]+\")?"), page + ": " + scripts.group());
                assertEquals("", scripts.group(2), page + ": an inline script");
            }
            assertTrue(count >= 2, page + ": theme.js and site.js at least"); // search.js comes when the box is used
            assertFalse(html.contains("<style"), page);
        }
        String boot = site.read("assets/boot.js");
        assertTrue(boot.contains("self.main([]);") && !boot.contains("eval(") && !boot.contains("innerHTML"), boot);
    }

    @Test
    @DisplayName("a live figure says, folded, which model it runs: spec, settings, trainer, checks, and the files it loads")
    void aboutThisModel() {
        String toy = site.read("toy.html");
        int start = toy.indexOf("<details class=\"provenance\"><summary>About this model</summary>");
        assertTrue(start > toy.indexOf("<figcaption>") && start < toy.indexOf("</figure>", toy.indexOf("data-widget")), toy);
        String note = toy.substring(start, toy.indexOf("</details>", start));
        assertTrue(note.contains("<dt>Model</dt><dd><code>toy</code> (kind <code>toy-superposition</code>), trained by this"
                + " book&rsquo;s build from <code>content/models/toy.yaml</code></dd>")
                || note.contains("<dt>Model</dt><dd><code>toy</code> (kind <code>toy-superposition</code>), trained by this"
                + " book's build from <code>content/models/toy.yaml</code></dd>"), note);
        assertTrue(note.contains("n_features = 5") && note.contains("d_hidden = 2"), note);
        assertTrue(note.matches("(?s).*<dt>Trainer</dt><dd><code>toy-superposition/\\d+</code>.*"), note);
        assertTrue(note.contains("<dt>Checked on every build</dt><dd>nothing beyond training</dd>"), note);
        java.util.regex.Matcher links = java.util.regex.Pattern.compile("href=\"([^\"]+)\"").matcher(note);
        List<String> hrefs = new java.util.ArrayList<>();
        while (links.find()) {
            hrefs.add(links.group(1));
        }
        assertEquals(3, hrefs.size(), note); // two weight files and the index
        assertTrue(hrefs.get(2).equals("models/toy/index.json"), note);
        for (String href : hrefs) {
            assertTrue(site.siteFiles().contains(href), href + " is published");
        }
    }

    @Test
    @DisplayName("the sidebar lists every chapter, marks the current one and nests its sections")
    void sidebar() {
        String toy = site.read("toy.html");
        String nav = toy.substring(toy.indexOf("<nav class=\"sidebar\""), toy.indexOf("</nav>", toy.indexOf("<nav class=\"sidebar\"")));
        assertEquals("""
                <nav class="sidebar" id="sidebar" aria-label="Chapters">
                <ol class="sidebar-chapters">
                <li class="current"><a href="toy.html" aria-current="page"><span class="sidebar-number">1</span> <span class="sidebar-title">A toy chapter</span></a>
                <ol class="sidebar-sections">
                <li><a href="#features-as-directions">Features as directions</a></li>
                <li><a href="#interference">Interference</a></li>
                <li><a href="#the-phase-change">The phase change</a></li>
                <li><a href="#privileged-bases">Privileged bases</a></li>
                </ol>
                </li>
                <li><a href="second.html"><span class="sidebar-number">2</span> <span class="sidebar-title">Second chapter</span></a>
                </li>
                <li><a href="about.html"><span class="sidebar-number">A</span> <span class="sidebar-title">About this book</span></a>
                </li>
                </ol>
                """, nav);
        assertTrue(site.read("second.html").contains("<li class=\"current\"><a href=\"second.html\" aria-current=\"page\">"));
        assertFalse(site.read("index.html").contains("class=\"sidebar\""), "the landing page is the contents already");
    }

    @Test
    @DisplayName("an unnumbered page is 'Appendix A', numbers its tables A.1, and takes no chapter number")
    void unnumberedPage() {
        String about = site.read("about.html");
        assertTrue(about.contains("<p class=\"chapter-number\">Appendix A</p>"), about);
        assertTrue(about.contains("<span class=\"caption-number\">Table A.1</span>"));
        assertTrue(about.contains(">Table A.1</a>") && about.contains(">Table 2.1</a>"), "references read the same numbers");
        assertTrue(site.read("second.html").contains("<p class=\"chapter-number\">Chapter 2</p>"));
        assertTrue(site.read("index.html").contains("<span class=\"toc-number\">Appendix A</span> <span class=\"toc-name\">About this book</span>"));
        assertTrue(site.read("second.html").contains("<a class=\"next\" rel=\"next\" href=\"about.html\">"),
                "still in the previous/next chain");
    }

    @Test
    @DisplayName("a layout class from :class: reaches the figure")
    void layoutClass() {
        assertTrue(site.read("second.html").contains("<figure class=\"table-figure l-gutter\" id=\"tab-features\">"));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> indexPages() {
        return (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(site.read("search-index.json"))).get("pages");
    }

    @Test
    @DisplayName("the search index holds every section's plain text: prose and footnotes, no code or display math")
    void searchIndex() {
        List<Map<String, Object>> pages = indexPages();
        assertEquals(List.of("toy.html", "second.html", "about.html"), pages.stream().map(p -> p.get("href")).toList());
        assertEquals(List.of("Chapter 1", "Chapter 2", "Appendix A"), pages.stream().map(p -> p.get("kicker")).toList());
        List<?> sections = (List<?>) pages.get(0).get("sections");
        assertEquals(List.of("", "features-as-directions", "interference", "a-subsection-on-noise", "the-phase-change",
                "privileged-bases"), sections.stream().map(s -> ((Map<?, ?>) s).get("id")).toList());
        Map<?, ?> opening = (Map<?, ?>) sections.get(0);
        assertEquals("A toy chapter", opening.get("title"));
        assertEquals("The opening paragraph talks about polysemantic neurons before the first heading. A footnote about"
                + " interference, shown in the margin on wide screens. Drag the slider to change the sparsity.",
                opening.get("text"));
        String features = (String) ((Map<?, ?>) sections.get(1)).get("text");
        assertTrue(features.endsWith("Some math: Wᵀ W and an external link."), features);
        assertFalse(site.read("search-index.json").contains("mathrm"), "display math is left out");
        Map<?, ?> noise = (Map<?, ?>) sections.get(3);
        assertEquals("A subsection on noise", noise.get("title"));
        assertTrue(((String) noise.get("text")).startsWith("The noise term grows with the number of features. Superposition"),
                (String) noise.get("text"));
    }

    @Test
    @DisplayName("reading time: the index's words at 230 a minute, rounded, at least a minute")
    void readingTime() {
        for (Map<String, Object> page : indexPages()) {
            int words = 0;
            for (Object s : (List<?>) page.get("sections")) {
                words += org.circuitbook.generator.render.PageRenderer.words((String) ((Map<?, ?>) s).get("text"));
            }
            long minutes = Math.max(1, Math.round(words / 230.0));
            assertTrue(site.read((String) page.get("href")).contains("<span class=\"reading-time\">" + minutes
                    + " min read</span>"), page.get("href") + ": " + words + " words");
        }
        assertTrue(site.read("toy.html").contains("<span class=\"reading-time\">8 min read</span>"));
    }

    @Test
    @DisplayName("sitemap.xml lists the landing page and every chapter under the configured URL")
    void sitemap() {
        assertEquals("""
                <?xml version="1.0" encoding="UTF-8"?>
                <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
                <url><loc>https://books.example.org/reader/</loc></url>
                <url><loc>https://books.example.org/reader/toy.html</loc></url>
                <url><loc>https://books.example.org/reader/second.html</loc></url>
                <url><loc>https://books.example.org/reader/about.html</loc></url>
                </urlset>
                """, site.read("sitemap.xml"));
    }

    @Test
    @DisplayName("each chapter has Open Graph and Twitter tags with absolute URLs and its preview image")
    void openGraph() {
        String toy = site.read("toy.html");
        for (String tag : List.of(
                "<meta property=\"og:type\" content=\"article\">",
                "<meta property=\"og:site_name\" content=\"Reader Fixture\">",
                "<meta property=\"og:title\" content=\"A toy chapter\">",
                "<meta property=\"og:description\" content=\"The smallest chapter with a live model, and enough text to scroll through.\">",
                "<meta property=\"og:url\" content=\"https://books.example.org/reader/toy.html\">",
                "<link rel=\"canonical\" href=\"https://books.example.org/reader/toy.html\">",
                "<meta property=\"og:image\" content=\"https://books.example.org/reader/og/toy.png\">",
                "<meta property=\"og:image:alt\" content=\"Chapter 1: A toy chapter, from Reader Fixture\">",
                "<meta name=\"twitter:card\" content=\"summary_large_image\">",
                "<meta name=\"twitter:image\" content=\"https://books.example.org/reader/og/toy.png\">")) {
            assertTrue(toy.contains(tag), tag);
        }
        assertTrue(site.read("index.html").contains("<meta property=\"og:url\" content=\"https://books.example.org/reader/\">"));
    }

    @Test
    @DisplayName("preview images are 1200 x 630 PNGs with no metadata chunks, the same bytes on every build")
    void previewImages() throws Exception {
        Map<String, byte[]> first = new java.util.TreeMap<>();
        for (String f : site.siteFiles()) {
            first.put(f, Files.readAllBytes(site.site().resolve(f)));
        }
        byte[] png = first.get("og/toy.png");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        assertEquals(List.of(1200, 630), List.of(image.getWidth(), image.getHeight()));
        assertEquals(List.of("IHDR", "IDAT", "IEND"), chunkTypes(png).stream().distinct().toList());
        assertTrue(first.get("og/toy.png").length != first.get("og/second.png").length,
                "the chapter with a widget shows its figure");
        site.build();
        for (String f : site.siteFiles()) {
            assertArrayEquals(first.get(f), Files.readAllBytes(site.site().resolve(f)), f + " differs between builds");
        }
        assertEquals(first.keySet(), new java.util.TreeSet<>(site.siteFiles()));
    }

    private static List<String> chunkTypes(byte[] png) {
        List<String> types = new ArrayList<>();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        b.position(8);
        while (b.remaining() >= 12) {
            int length = b.getInt();
            byte[] type = new byte[4];
            b.get(type);
            types.add(new String(type, java.nio.charset.StandardCharsets.US_ASCII));
            b.position(b.position() + length + 4);
        }
        return types;
    }

    @Test
    @DisplayName("the 404 page links through the site's path, so it works at any depth")
    void notFound() {
        String page = site.read("404.html");
        assertTrue(page.contains("<link rel=\"stylesheet\" href=\"/reader/assets/style.css\">"), page);
        assertTrue(page.contains("<a href=\"/reader/index.html\">Go to the contents of Reader Fixture</a>"));
        assertTrue(page.contains("<a href=\"/reader/toy.html\"><span class=\"toc-number\">Chapter 1</span>"));
        assertTrue(page.contains("data-script=\"/reader/assets/search.js\""), "search.js, loaded when the box is used");
        assertFalse(page.contains("<script src=\"/reader/assets/search.js\""), "not part of the first load");
        assertTrue(page.contains("data-index=\"/reader/search-index.json\""));
        assertFalse(page.contains("og:url"), "a 404 page has no address of its own");
        assertTrue(page.startsWith("<!DOCTYPE html>\n<html lang=\"en\" data-site-root=\"/reader/\">"), "for the link checker");
        assertEquals(List.of(), org.circuitbook.generator.check.SiteLinks.check(site.site(), "site"));
    }

    @Test
    @DisplayName("without a URL: no sitemap, no preview images, no og:url, and a 404 page with relative links")
    void withoutUrl(@TempDir Path work) throws Exception {
        FixtureSite plain = FixtureSite.copyOf(FIXTURE, work);
        Files.writeString(plain.root.resolve("content/site.yaml"), "title: Reader Fixture\n");
        plain.build();
        assertFalse(plain.siteFiles().contains("sitemap.xml"));
        assertTrue(plain.siteFiles().stream().noneMatch(f -> f.startsWith("og/")));
        String toy = plain.read("toy.html");
        assertFalse(toy.contains("og:url") || toy.contains("og:image") || toy.contains("canonical"), toy);
        assertTrue(toy.contains("<meta name=\"twitter:card\" content=\"summary\">"));
        assertTrue(plain.read("404.html").contains("<link rel=\"stylesheet\" href=\"assets/style.css\">"));
        assertTrue(plain.read("404.html").startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));

        // --base-url (the options' baseUrl) supplies the URL for this build only
        new BuildPipeline(BuildPipeline.Options.defaults(plain.root).withBaseUrl("https://x.example/book"), l -> { }).run();
        assertTrue(plain.read("sitemap.xml").contains("<url><loc>https://x.example/book/toy.html</loc></url>"));
        assertTrue(plain.read("404.html").contains("href=\"/book/assets/style.css\""));
    }
}
