package org.circuitbook.generator.highlight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Code highlighter")
class CodeHighlighterTest {

    private static String span(String cls, String text) {
        return "<span class=\"tok-" + cls + "\">" + text + "</span>";
    }

    @Test
    @DisplayName("Runs headless, because the build machine has no display")
    void runsHeadless() {
        assertTrue(GraphicsEnvironment.isHeadless());
        assertTrue(CodeHighlighter.highlight("int x = 1;", "java").contains("tok-type"));
    }

    @Test
    @DisplayName("A short Python function yields keyword, function, operator, number and comment spans")
    void pythonExactHtml() {
        String html = CodeHighlighter.highlight("def f(x):\n    return x + 1  # add\n", "python");
        assertEquals("<span class=\"tok-keyword\">def</span> <span class=\"tok-function\">f</span>(x)"
                + "<span class=\"tok-operator\">:</span>\n"
                + "    <span class=\"tok-keyword\">return</span> x <span class=\"tok-operator\">+</span> "
                + "<span class=\"tok-number\">1</span>  <span class=\"tok-comment\"># add</span>\n", html);
    }

    @Test
    @DisplayName("Python strings, builtins and literals get their own spans, also across lines")
    void pythonStringsAndBuiltins() {
        String html = CodeHighlighter.highlight("s = len('a<b')\nt = \"\"\"x\n\ny\"\"\" or None\n", "py");
        assertTrue(html.contains(span("builtin", "len")), html);
        assertTrue(html.contains(span("string", "&#39;a&lt;b&#39;")), html);
        // The triple-quoted string spans three lines; each line's piece stays a string.
        assertTrue(html.contains(span("string", "&quot;&quot;&quot;x") + "\n\n"
                + span("string", "y&quot;&quot;&quot;")), html);
        assertTrue(html.contains(span("literal", "None")), html);
    }

    @Test
    @DisplayName("Java annotations, types, strings, block comments and calls are wrapped")
    void java() {
        String html = CodeHighlighter.highlight(
                "@Override\npublic int size() { /* a\n b */ return s.length() + 0x1F; } // eol\n", "java");
        assertTrue(html.startsWith(span("annotation", "@Override") + "\n"
                + span("keyword", "public") + " " + span("type", "int") + " "
                + span("function", "size") + "()"), html);
        assertTrue(html.contains(span("comment", "/* a") + "\n" + span("comment", " b */")), html);
        assertTrue(html.contains(span("function", "length")), html);
        assertTrue(html.contains(span("number", "0x1F")), html);
        assertTrue(html.endsWith(span("comment", "// eol") + "\n"), html);
    }

    @Test
    @DisplayName("Bash commands, variables, strings and comments are wrapped")
    void bash() {
        String html = CodeHighlighter.highlight(
                "#!/bin/bash\nfor f in *.txt; do echo \"$f\" 'x'; done # loop\n", "bash");
        assertTrue(html.startsWith(span("annotation", "#!/bin/bash") + "\n"
                + span("keyword", "for") + " f " + span("keyword", "in")), html);
        assertTrue(html.contains(span("builtin", "echo") + " " + span("string", "&quot;")
                + span("variable", "$f") + span("string", "&quot;") + " "
                + span("string", "&#39;x&#39;")), html);
        assertTrue(html.endsWith(span("comment", "# loop") + "\n"), html);
    }

    @Test
    @DisplayName("HTML inside code is escaped, and markup languages colour tags")
    void escapesHtml() {
        String code = "<a href=\"x\">Tom & 'Jerry'</a>";
        assertEquals("&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;",
                CodeHighlighter.highlight(code, "text"));
        String html = CodeHighlighter.highlight(code, "html");
        assertTrue(html.startsWith(span("operator", "&lt;") + span("keyword", "a") + " "
                + span("variable", "href") + span("operator", "=")
                + span("string", "&quot;x&quot;") + span("operator", "&gt;")), html);
        assertFalse(html.replaceAll("<span class=\"tok-[a-z]+\">|</span>", "").contains("<"), html);
    }

    @Test
    @DisplayName("An unknown language returns the escaped text and is not supported")
    void unknownLanguage() {
        assertFalse(CodeHighlighter.supports("brainfuck"));
        assertEquals("if (a &lt; b) x();\n", CodeHighlighter.highlight("if (a < b) x();\n", "brainfuck"));
    }

    @Test
    @DisplayName("Plain, blank and null languages are supported and only escaped")
    void plainText() {
        for (String lang : new String[] {"text", "plain", "", "  ", null}) {
            assertTrue(CodeHighlighter.supports(lang), String.valueOf(lang));
            assertEquals("def &amp;", CodeHighlighter.highlight("def &", lang));
        }
        assertEquals("", CodeHighlighter.highlight("", "python"));
    }

    @Test
    @DisplayName("Every fence name from the spec is supported, case-insensitively")
    void languages() {
        String[] names = {"python", "py", "java", "javascript", "js", "typescript", "ts", "json",
            "yaml", "yml", "bash", "sh", "shell", "c", "cpp", "c++", "xml", "html", "css",
            "markdown", "md", "sql", "rust", "go", "kotlin", "scala", "latex", "tex", "text", "plain"};
        for (String n : names) {
            assertTrue(CodeHighlighter.languages().contains(n), n);
            assertTrue(CodeHighlighter.supports(n.toUpperCase()), n);
        }
        assertTrue(CodeHighlighter.highlight("x = 1", "Python").contains("tok-number"));
    }

    @Test
    @DisplayName("The stylesheet ships on the classpath and styles every token class")
    void stylesheet() throws java.io.IOException {
        try (var in = CodeHighlighter.class.getResourceAsStream("highlight.css")) {
            String css = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (String c : new String[] {"keyword", "string", "comment", "number", "function",
                "operator", "type", "annotation", "variable", "builtin", "literal"}) {
                assertTrue(css.contains(".tok-" + c + " "), c);
            }
        }
    }

    @Test
    @DisplayName("Line endings, tabs and non-ASCII text are kept exactly")
    void lineEndingsAndUnicode() {
        String html = CodeHighlighter.highlight("x\t=\t'é😀'\r\n# ü\r\n\n", "python");
        assertEquals("x\t" + span("operator", "=") + "\t" + span("string", "&#39;é😀&#39;") + "\r\n"
                + span("comment", "# ü") + "\r\n\n", html);
    }
}
