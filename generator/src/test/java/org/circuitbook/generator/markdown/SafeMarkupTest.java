package org.circuitbook.generator.markdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.FrontMatter;
import org.circuitbook.generator.diagnostics.Problems;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The URL and raw HTML policies on their own, and the renderer's guards when the check stage is skipped. */
@DisplayName("Safe markup")
class SafeMarkupTest {
    @ParameterizedTest
    @ValueSource(strings = {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "&#106;avascript:x", "&#x6a;avascript:x",
            "&#106avascript:x", "&#0000106;avascript:x", "javascript&colon;x", "java&#9;script:x", "java\nscript:x",
            "java\tscript:x", " \u0001javascript:x", "&#32;javascript:x", "vbscript:x", "data:text/html,x",
            "DATA:image/png;base64,AA", "file:///etc/passwd", "ftp://example.com/", "foo:bar", "java script:x"})
    @DisplayName("refuses links whose scheme is not http, https or mailto, however it is spelt")
    void refusedLinks(String url) {
        assertFalse(UrlPolicy.allowed(url, UrlPolicy.Use.LINK), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://example.com/a:b", "http://x", "HTTPS://X", "mailto:a@b.c", "images/plot.png",
            "./x.html#y", "#label", "/abs/path", "//example.com/x", "page.html?q=a:b", "a/b:c", "&amp;x:y", "%6aavascript:x",
            "1:2", ""})
    @DisplayName("allows http(s), mailto and relative links, including colons after the first / ? or #")
    void allowedLinks(String url) {
        assertTrue(UrlPolicy.allowed(url, UrlPolicy.Use.LINK), url);
    }

    @Test
    @DisplayName("allows images from content/ only: no mailto:, data:, http(s): or //host image")
    void images() {
        assertFalse(UrlPolicy.allowed("mailto:a@b.c", UrlPolicy.Use.IMAGE));
        assertFalse(UrlPolicy.allowed("data:image/png;base64,AA", UrlPolicy.Use.IMAGE));
        assertFalse(UrlPolicy.allowed("https://example.com/x.png", UrlPolicy.Use.IMAGE));
        assertFalse(UrlPolicy.allowed("//example.com/x.png", UrlPolicy.Use.IMAGE));
        assertFalse(UrlPolicy.allowed("\\\\example.com/x.png", UrlPolicy.Use.IMAGE));
        assertTrue(UrlPolicy.allowed("images/x.png", UrlPolicy.Use.IMAGE));
    }

    @Test
    @DisplayName("quotes a URL with its control characters spelt out, cut at 80 characters")
    void shown() {
        assertEquals("java\\tscript:\\n\\u0001\\\"x", UrlPolicy.shown("java\tscript:\n\u0001\"x"));
        assertEquals("a".repeat(80) + "...", UrlPolicy.shown("a".repeat(200)));
    }

    private static List<String> findings(String html) {
        List<String> out = new ArrayList<>();
        HtmlPolicy.check(html, new HtmlPolicy.Chapter(), new HtmlPolicy.Findings() {
            @Override
            public void problem(int at, String message, String hint) {
                out.add(at + ": " + message);
            }

            @Override
            public void url(int at, String tag, String value) {
                out.add(at + ": url " + tag + " " + value);
            }
        });
        return out;
    }

    @Test
    @DisplayName("reads tags as a browser does: comments end at --> or --!>, <!--> is a whole comment, / separates attributes")
    void scannerFollowsTheBrowser() {
        assertEquals(List.of("5: raw HTML tag <script> is not allowed"), findings("<!--><script>x</script>-->"));
        assertEquals(List.of("6: raw HTML tag <b2> is not allowed"), findings("<!---><b2>"));
        assertEquals(List.of("11: raw HTML tag <svg> is not allowed"), findings("<!-- a --!><svg>"));
        assertEquals(List.of(), findings("<!-- <script> -- --->"));
        assertEquals(List.of("5: url img x/onerror=alert(1)"), findings("<img/src=x/onerror=alert(1)>"));
        assertEquals(List.of("5: url img x", "11: raw HTML attribute onerror on <img> is not allowed"),
                findings("<img src=x\tONERROR\n=\nalert(1)>"));
        assertEquals(List.of("3: url a https://e.com/?a=1&b=2"), findings("<a href='https://e.com/?a=1&amp;b=2'>x</a>"));
        assertEquals(List.of("0: raw HTML tag <textarea> is not allowed"), findings("<textarea><img onerror=x></TEXTAREA>"));
        assertEquals(List.of(), findings("a < b and 3<4 and <<"));
    }

    @Test
    @DisplayName("reports malformed HTML rather than passing it through")
    void malformed() {
        assertEquals(List.of("0: HTML tag <div is never closed"), findings("<div class=x"));
        assertEquals(List.of("5: the value of title in <div> is never closed"), findings("<div title=\"x>y"));
        assertEquals(List.of("0: HTML comment is never closed"), findings("<!-- x -- >"));
        assertEquals(List.of("0: \"</\" does not start a closing tag"), findings("</3>"));
        assertEquals(List.of("0: <!...> declarations are not allowed"), findings("<![CDATA[x]]>"));
    }

    @Test
    @DisplayName("carries a refused <textarea> opened by one inline node over to the next")
    void rawTextAcrossNodes() {
        HtmlPolicy.Chapter state = new HtmlPolicy.Chapter();
        List<String> out = new ArrayList<>();
        for (String node : List.of("<textarea>", "<img onerror=x>", "</textarea>", "<em onclick=y>")) {
            HtmlPolicy.check(node, state, (at, message, hint) -> out.add(message));
        }
        assertEquals(List.of("raw HTML tag <textarea> is not allowed", "raw HTML attribute onclick on <em> is not allowed"), out);
    }

    @Test
    @DisplayName("renders unsafe links as # and refused raw HTML as text, even when the check stage never ran")
    void renderGuards() {
        String body = """
                [a](JaVaScRiPt:alert(1)) [b](javascript:x) ![c](data:image/png;base64,AA) <vbscript:x> [d][r]

                [r]: DATA:text/html,x

                <div onclick="alert(1)">block</div>

                inline <img src=x onerror=alert(1)> and <!--><script>alert(2)</script>--> <em>fine</em>
                """;
        Chapter chapter = new Chapter("content/chapters/01-a.md", "a", new FrontMatter("A", "", List.of(), null, "", false, true), body);
        Markdown markdown = new Markdown();
        ParsedChapter parsed = new ParsedChapter(chapter, markdown.parse(body));
        CheckedBook book = CheckedBook.empty(List.of(parsed), BookIndex.build(List.of(parsed), new Problems("check")));
        String html = markdown.render(parsed.document(),
                new RenderContext("a.html", book, new MarkdownFuzzTest.FakeCitations(), w -> Map.of()));
        String lower = html.toLowerCase(java.util.Locale.ROOT);
        for (String bad : List.of("=\"javascript:", "=\"data:", "=\"vbscript:", "<script", "onclick=\"", "<img src=x")) {
            assertFalse(lower.contains(bad), bad + " in\n" + html);
        }
        assertTrue(html.contains("<a href=\"#\">a</a>"), html);
        assertTrue(html.contains("&lt;div onclick=&quot;alert(1)&quot;&gt;block&lt;/div&gt;"), html);
        assertTrue(html.contains("<em>fine</em>"), html);
    }
}
