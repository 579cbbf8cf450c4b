package org.circuitbook.generator.markdown;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.FrontMatter;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.math.CachedTypesetter;

/**
 * Random chapters (jqwik.tries.default of them) spliced from hostile fragments (unsafe schemes spelt every way,
 * event handlers, scripts, comment tricks, half tags) and harmless ones: whatever the check stage lets through
 * renders to a page with no script, no event handler, no style attribute from the author and no unsafe URL in
 * an href or a src, as an independent reader of the page (regular expressions, not the scanner under test) sees it.
 */
class SafeOutputFuzzTest {
    static final List<String> HOSTILE = List.of(
            "<script>", "</script>", "<ScRiPt>", "<img src=x onerror=alert(1)>", "<img/src=x/onerror=alert(1)>",
            "<span onclick=\"x\">", "<div\n", "<a href=\"", "javascript:alert(1)", "<!--", "-->", "--!>", "<!-->", "<!--->",
            "<style>", "<svg onload=x>", "<textarea>", "</textarea>", "[x](", "JaVaScRiPt:x", "&#106;avascript:x",
            "java&#9;script:x", "data:text/html,x", "![i](", "[r]: vbscript:x\n", "<javascript:x>", "<p style=\"color:red\">",
            "<a href=\"https://example.com/\" title=\"", "<", "\"", "'", "=");
    static final List<String> HARMLESS = List.of(
            "</span>", "<div>", "</div>", "\">", "<a href=\"https://example.com/\">", "</a>", ")", ">", " ", "\n", "\n\n",
            "> ", "- ", "text ", "<kbd>k</kbd>", "<em class=\"c\">e</em>", "[t][r]", "<https://example.com>", "`<script>`",
            "```\n<script>\n```\n", "    <script>\n", "<details open>", "</details>", "<!-- note -->", "[ok](#x)",
            "\\<script>", "&lt;script&gt;", "<b>", "</b>");

    /** A browser's comment: {@code <!-->}, {@code <!--->}, or up to the first {@code -->} or {@code --!>}. */
    private static final Pattern COMMENT = Pattern.compile("<!--(?:>|->|[\\s\\S]*?(?:-->|--!>))");
    /** A start tag and its attributes (possessive: no backtracking), read independently of the scanner under test. */
    private static final Pattern TAG = Pattern.compile(
            "<([a-zA-Z][^\\s/>]*+)((?:[\\s/]++[^\\s/>=]++(?:\\s*+=\\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\\s>]*+))?+)*+)[\\s/]*+>");
    private static final Pattern ATTRIBUTE = Pattern.compile("([^\\s/>=]++)(?:\\s*+=\\s*+(\"[^\"]*+\"|'[^']*+'|[^\\s>]*+))?+");
    private static final java.util.Set<String> NEVER = java.util.Set.of("script", "style", "iframe", "object", "embed",
            "svg", "math", "form", "textarea", "meta", "base", "link", "frame", "frameset");

    /**
     * Why {@code html} is unsafe, or null. It reads the page left to right as a browser's tokenizer does: a comment
     * runs from {@code <!--} to its end, a start tag to its {@code >} (so {@code <!--} inside a quoted attribute
     * value is text, not a comment), and anything else is text.
     */
    static String unsafe(String html) {
        var comment = COMMENT.matcher(html);
        var tags = TAG.matcher(html);
        int at = html.indexOf('<');
        while (at >= 0) {
            int next = at + 1;
            if (html.startsWith("<!--", at)) {
                if (!comment.region(at, html.length()).lookingAt()) {
                    return "an unclosed comment";
                }
                next = comment.end();
            } else if (tags.region(at, html.length()).lookingAt()) {
                String why = unsafeTag(tags.group(), tags.group(1), tags.group(2));
                if (why != null) {
                    return why;
                }
                next = tags.end();
            }
            at = html.indexOf('<', next);
        }
        return null;
    }

    private static String unsafeTag(String tag, String tagName, String attributeText) {
        String name = tagName.toLowerCase(Locale.ROOT);
        if (NEVER.contains(name)) {
            return tag;
        }
        var attributes = ATTRIBUTE.matcher(attributeText);
        while (attributes.find()) {
            String attribute = attributes.group(1).toLowerCase(Locale.ROOT);
            String value = attributes.group(2) == null ? "" : attributes.group(2).replaceAll("^[\"']|[\"']$", "");
            String url = com.vladsch.flexmark.util.sequence.Escaping.unescapeHtml(value)
                    .replaceAll("[\\x00-\\x20\\x7f]", "").toLowerCase(Locale.ROOT);
            if (attribute.startsWith("on") || attribute.equals("style")
                    || (attribute.equals("href") || attribute.equals("src"))
                    && (url.startsWith("javascript:") || url.startsWith("vbscript:") || url.startsWith("data:"))) {
                return tag;
            }
        }
        return null;
    }

    static Path dir;
    static CachedTypesetter math;
    static final Markdown MARKDOWN = new Markdown();

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("safe-fuzz");
        math = new CachedTypesetter(dir.resolve("math.bin"));
    }

    @AfterContainer
    static void stop() {
        math.close();
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> fragment = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(1, Arbitraries.of(HOSTILE)), net.jqwik.api.Tuple.of(5, Arbitraries.of(HARMLESS)));
        return fragment.list().ofMinSize(1).ofMaxSize(24).map(parts -> String.join("", parts));
    }

    /** The oracle itself must see what it is looking for. */
    @Example
    void oracleSeesUnsafeMarkup() {
        for (String bad : List.of("<p onclick=x>", "<a title=\"t\" href=\" JaVa&#9;script:x\">", "<SCRIPT>", "<!--><script>",
                "<img src='data:x'>", "<span style=\"x\">", "<a title=\"<!--\"><script><a title=\"-->\">", "<b><!-- x")) {
            if (unsafe(bad) == null) {
                throw new AssertionError("the oracle missed " + bad);
            }
        }
        for (String safe : List.of("<!-- <script> --> <a href=\"https://x\" title=\"onclick=x\">&lt;script&gt;</a>",
                "<a href=\"https://example.com/\" title=\"<script><script><!--\">", "a < b <!-- <p onclick=x> -->")) {
            if (unsafe(safe) != null) {
                throw new AssertionError("the oracle saw markup in a comment, a value or text: " + safe);
            }
        }
    }

    @Property
    void whatPassesTheCheckRendersSafely(@ForAll("documents") String body) {
        Chapter chapter = new Chapter("content/chapters/01-fuzz.md", "fuzz",
                new FrontMatter("Fuzz", "", List.of(), null, "", false, true), body);
        ParsedChapter parsed = new ParsedChapter(chapter, MARKDOWN.parse(body));
        CheckedBook book;
        try {
            book = new BookChecker(dir, Map.of(), new MarkdownFuzzTest.FakeCitations(), math).check(List.of(parsed));
        } catch (BuildException e) {
            net.jqwik.api.statistics.Statistics.collect("refused by the check");
            return;
        }
        net.jqwik.api.statistics.Statistics.collect("passed the check, rendered");
        String html = MARKDOWN.render(parsed.document(),
                new RenderContext("fuzz.html", book, new MarkdownFuzzTest.FakeCitations(), w -> Map.of()));
        String why = unsafe(html);
        if (why != null) {
            throw new AssertionError("unsafe output " + why + " passed the check:\n" + body + "\n---\n" + html);
        }
    }
}
