package org.circuitbook.generator.highlight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Property: highlighting only adds spans and escapes; it never changes the code text. */
@DisplayName("Highlighter round trip")
class RoundTripTest {

    private static final Pattern TAG = Pattern.compile("<span class=\"(tok-[a-z]+)\">|</span>");
    private static final Set<String> CLASSES = Set.of("tok-keyword", "tok-string", "tok-comment",
            "tok-number", "tok-function", "tok-operator", "tok-type", "tok-annotation",
            "tok-variable", "tok-builtin", "tok-literal");

    /** Fragments that open and close tokenizer states, so random text crosses many of them. */
    private static final String[] PIECES = {"def ", "class ", "return", "if", " ", "  ", "\t", "\n",
        "\r\n", "\r", "\"", "'", "`", "\"\"\"", "'''", "/*", "*/", "/**", "//", "#", "--", "%", "<", ">",
        "</", "<!--", "-->", "<script>", "</script>", "<style>", "</style>", "<![CDATA[", "]]>", "&amp;",
        "&", "${", "}", "$x", "(", ")", "[", "]", "{", ":", ";", ",", ".", "0x1F", "1.5e3", "42", "\\",
        "\\n", "```", "**", "*", "_", "@", "!", "=", "+", "é", "中文", "😀", "\u0000", "x", "foo", "true",
        "null", "None", "print", "echo", "\\begin{x}", "$$", "- ", "key: "};

    static String strip(String html) {
        Matcher m = TAG.matcher(html);
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        int last = 0;
        List<Integer> cuts = new ArrayList<>();
        while (m.find()) {
            sb.append(html, last, m.start());
            last = m.end();
            cuts.add(sb.length());
            if (m.group(1) != null) {
                assertTrue(CLASSES.contains(m.group(1)), m.group(1));
                assertEquals(0, depth, "spans never nest");
                depth++;
            } else {
                assertEquals(1, depth, "every </span> closes an open span");
                depth--;
            }
        }
        assertEquals(0, depth, "all spans closed");
        String text = sb.append(html, last, html.length()).toString();
        for (int c : cuts) {
            // A tag never separates the two halves of a surrogate pair (e.g. an emoji).
            assertFalse(c > 0 && c < text.length() && Character.isHighSurrogate(text.charAt(c - 1))
                    && Character.isLowSurrogate(text.charAt(c)), "split surrogate pair: " + html);
        }
        assertFalse(text.contains("<") || text.contains(">"), "stray markup: " + html);
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&");
    }

    private static List<String> samples() {
        Random rnd = new Random(20240517L);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            StringBuilder sb = new StringBuilder();
            int n = rnd.nextInt(40);
            for (int j = 0; j < n; j++) {
                int kind = rnd.nextInt(8);
                if (kind < 2) {
                    // Any BMP char, including lone surrogates and control characters.
                    sb.append((char) rnd.nextInt(0x10000));
                } else if (kind == 2) {
                    sb.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // a surrogate pair
                } else {
                    sb.append(PIECES[rnd.nextInt(PIECES.length)]);
                }
            }
            out.add(sb.toString());
        }
        return out;
    }

    @Test
    @DisplayName("Stripping tags and unescaping gives back the input, in every language")
    void roundTrip() {
        List<String> samples = samples();
        List<String> langs = new ArrayList<>(CodeHighlighter.languages());
        langs.add("unknown-language");
        int spans = 0;
        for (String lang : langs) {
            for (String code : samples) {
                String html = CodeHighlighter.highlight(code, lang);
                assertEquals(code, strip(html), () -> lang + ": " + html);
                spans += html.split("<span", -1).length - 1;
            }
        }
        assertTrue(spans > 10_000, "the samples exercised the tokenizers: " + spans);
    }

    @Test
    @DisplayName("Trailing newlines and blank lines survive in every language")
    void trailingNewlines() {
        for (String lang : CodeHighlighter.languages()) {
            for (String code : new String[] {"\n", "x\n", "x\n\n", "\n\nx", "x\r\n", "\r", "/* a\n\n"}) {
                assertEquals(code, strip(CodeHighlighter.highlight(code, lang)), lang);
            }
        }
    }
}
