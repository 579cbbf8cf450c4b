package org.circuitbook.generator.highlight;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.swing.text.Segment;
import org.fife.ui.rsyntaxtextarea.SyntaxConstants;
import org.fife.ui.rsyntaxtextarea.Token;
import org.fife.ui.rsyntaxtextarea.TokenMaker;
import org.fife.ui.rsyntaxtextarea.TokenMakerFactory;
import org.fife.ui.rsyntaxtextarea.TokenTypes;

/**
 * Build-time syntax highlighting: turns a fenced code block into the inner HTML of a
 * {@code <code>} element, with tokens wrapped in {@code <span class="tok-...">}.
 *
 * <p>Uses only RSyntaxTextArea's JFlex tokenizers ({@link TokenMaker}); no Swing component is
 * created, so it runs with {@code java.awt.headless=true}. Thread-safe: each call gets its own
 * tokenizer, because tokenizers keep per-scan state and reuse their token objects.
 */
public final class CodeHighlighter {

    /** Author-facing fence names mapped to RSTA syntax styles; {@code null} style = escape only. */
    private static final Map<String, String> STYLES = new HashMap<>();
    /** Languages where "identifier directly followed by (" is a call or definition worth colouring. */
    private static final Set<String> CALL_STYLES = Set.of(
            SyntaxConstants.SYNTAX_STYLE_PYTHON, SyntaxConstants.SYNTAX_STYLE_JAVA,
            SyntaxConstants.SYNTAX_STYLE_JAVASCRIPT, SyntaxConstants.SYNTAX_STYLE_TYPESCRIPT,
            SyntaxConstants.SYNTAX_STYLE_C, SyntaxConstants.SYNTAX_STYLE_CPLUSPLUS,
            SyntaxConstants.SYNTAX_STYLE_RUST, SyntaxConstants.SYNTAX_STYLE_GO,
            SyntaxConstants.SYNTAX_STYLE_KOTLIN, SyntaxConstants.SYNTAX_STYLE_SCALA,
            SyntaxConstants.SYNTAX_STYLE_UNIX_SHELL);

    static {
        style(SyntaxConstants.SYNTAX_STYLE_PYTHON, "python", "py");
        style(SyntaxConstants.SYNTAX_STYLE_JAVA, "java");
        style(SyntaxConstants.SYNTAX_STYLE_JAVASCRIPT, "javascript", "js");
        style(SyntaxConstants.SYNTAX_STYLE_TYPESCRIPT, "typescript", "ts");
        // The lenient JSON tokenizer: authors often annotate JSON examples with // comments.
        style(SyntaxConstants.SYNTAX_STYLE_JSON_WITH_COMMENTS, "json", "jsonc");
        style(SyntaxConstants.SYNTAX_STYLE_YAML, "yaml", "yml");
        style(SyntaxConstants.SYNTAX_STYLE_UNIX_SHELL, "bash", "sh", "shell", "zsh");
        style(SyntaxConstants.SYNTAX_STYLE_C, "c", "h");
        style(SyntaxConstants.SYNTAX_STYLE_CPLUSPLUS, "cpp", "c++", "cc", "cxx", "hpp");
        style(SyntaxConstants.SYNTAX_STYLE_XML, "xml");
        // The HTML tokenizer also highlights embedded <script> and <style> bodies.
        style(SyntaxConstants.SYNTAX_STYLE_HTML, "html", "htm");
        style(SyntaxConstants.SYNTAX_STYLE_CSS, "css");
        style(SyntaxConstants.SYNTAX_STYLE_MARKDOWN, "markdown", "md");
        style(SyntaxConstants.SYNTAX_STYLE_SQL, "sql");
        style(SyntaxConstants.SYNTAX_STYLE_RUST, "rust", "rs");
        style(SyntaxConstants.SYNTAX_STYLE_GO, "go", "golang");
        style(SyntaxConstants.SYNTAX_STYLE_KOTLIN, "kotlin", "kt");
        style(SyntaxConstants.SYNTAX_STYLE_SCALA, "scala");
        style(SyntaxConstants.SYNTAX_STYLE_LATEX, "latex", "tex");
        style(null, "text", "plain", "txt");
    }

    private static final Set<String> LANGUAGES =
            Collections.unmodifiableSet(new TreeSet<>(STYLES.keySet()));

    /** CSS class per RSTA token type; index = TokenTypes constant, null = leave unwrapped. */
    private static final String[] CLASS_OF = new String[TokenTypes.DEFAULT_NUM_TOKEN_TYPES];

    static {
        cls("tok-comment", TokenTypes.COMMENT_EOL, TokenTypes.COMMENT_MULTILINE,
                TokenTypes.COMMENT_DOCUMENTATION, TokenTypes.COMMENT_KEYWORD,
                TokenTypes.COMMENT_MARKUP, TokenTypes.MARKUP_COMMENT);
        // RSTA uses RESERVED_WORD_2 for a second keyword tier (e.g. Java's `return`): same colour.
        cls("tok-keyword", TokenTypes.RESERVED_WORD, TokenTypes.RESERVED_WORD_2,
                TokenTypes.MARKUP_TAG_NAME);
        // RSTA's FUNCTION means "known library name": Python len/object, Java String/System,
        // C printf, shell echo/grep. User-defined calls are found below (tok-function).
        cls("tok-builtin", TokenTypes.FUNCTION);
        cls("tok-literal", TokenTypes.LITERAL_BOOLEAN, TokenTypes.REGEX,
                TokenTypes.MARKUP_ENTITY_REFERENCE);
        cls("tok-number", TokenTypes.LITERAL_NUMBER_DECIMAL_INT, TokenTypes.LITERAL_NUMBER_FLOAT,
                TokenTypes.LITERAL_NUMBER_HEXADECIMAL, TokenTypes.ERROR_NUMBER_FORMAT);
        // Unterminated strings/chars (ERROR_*) still read as strings to a human.
        cls("tok-string", TokenTypes.LITERAL_STRING_DOUBLE_QUOTE, TokenTypes.LITERAL_CHAR,
                TokenTypes.LITERAL_BACKQUOTE, TokenTypes.ERROR_STRING_DOUBLE, TokenTypes.ERROR_CHAR,
                TokenTypes.MARKUP_TAG_ATTRIBUTE_VALUE, TokenTypes.MARKUP_CDATA);
        cls("tok-type", TokenTypes.DATA_TYPE);
        cls("tok-variable", TokenTypes.VARIABLE, TokenTypes.MARKUP_TAG_ATTRIBUTE);
        // "Meta" tokens: decorators, #include, shebangs, <!DOCTYPE>, <?xml?>.
        cls("tok-annotation", TokenTypes.ANNOTATION, TokenTypes.PREPROCESSOR,
                TokenTypes.MARKUP_DTD, TokenTypes.MARKUP_PROCESSING_INSTRUCTION,
                TokenTypes.MARKUP_CDATA_DELIMITER);
        cls("tok-operator", TokenTypes.OPERATOR, TokenTypes.MARKUP_TAG_DELIMITER);
        // IDENTIFIER, WHITESPACE, SEPARATOR, ERROR_IDENTIFIER stay unwrapped.
    }

    /** Not an RSTA type: an identifier written directly before "(" (a call or a definition). */
    private static final String FUNCTION_CLASS = "tok-function";

    private CodeHighlighter() {
    }

    private static void style(String style, String... names) {
        for (String n : names) {
            STYLES.put(n, style);
        }
    }

    private static void cls(String cssClass, int... types) {
        for (int t : types) {
            CLASS_OF[t] = cssClass;
        }
    }

    private static String normalize(String language) {
        return language == null ? "" : language.trim().toLowerCase(Locale.ROOT);
    }

    /** True if {@code language} (case-insensitive; null/blank = plain text) is highlighted or plain. */
    public static boolean supports(String language) {
        String key = normalize(language);
        return key.isEmpty() || STYLES.containsKey(key);
    }

    /** The accepted fence names, sorted; the empty name (plain text) is accepted but not listed. */
    public static Set<String> languages() {
        return LANGUAGES;
    }

    /**
     * Returns {@code code} HTML-escaped with tokens wrapped in spans. Unknown languages and
     * text/plain/blank return the escaped text only (callers check {@link #supports} to report).
     * The text is preserved exactly: stripping tags and unescaping gives back {@code code}.
     */
    public static String highlight(String code, String language) {
        if (code == null || code.isEmpty()) {
            return "";
        }
        String style = STYLES.get(normalize(language));
        StringBuilder out = new StringBuilder(code.length() + code.length() / 2);
        if (style == null) {
            escape(code.toCharArray(), 0, code.length(), out);
            return out.toString();
        }
        TokenMaker maker = TokenMakerFactory.getDefaultInstance().getTokenMaker(style);
        boolean calls = CALL_STYLES.contains(style);
        char[] text = code.toCharArray();
        // Class per char of the current line; we always emit from `text`, never from token
        // text, so a tokenizer quirk can only lose colour, never characters.
        String[] lineClass = new String[64];
        int state = TokenTypes.NULL;
        int start = 0;
        while (start <= text.length) {
            int end = start;
            while (end < text.length && text[end] != '\n' && text[end] != '\r') {
                end++;
            }
            int len = end - start;
            if (len > lineClass.length) {
                lineClass = new String[Math.max(len, lineClass.length * 2)];
            }
            Arrays.fill(lineClass, 0, len, null);
            // RSTA tokenizes line by line; the previous line's last token type carries
            // multi-line state (block comments, triple-quoted strings, <script> in HTML).
            Token t = maker.getTokenList(new Segment(text, start, len), state, start);
            state = TokenTypes.NULL;
            for (; t != null; t = t.getNextToken()) {
                state = t.getType();
                // Non-paintable tokens (NULL and negative "end of line" markers) carry stale
                // offsets that can point past the line, so skip them.
                if (!t.isPaintable() || t.getTextArray() != text || state >= CLASS_OF.length) {
                    continue;
                }
                int from = Math.max(t.getTextOffset(), start);
                int to = Math.min(t.getTextOffset() + t.length(), end);
                if (from >= to) {
                    continue;
                }
                String c = CLASS_OF[state];
                if (c == null && calls && state == TokenTypes.IDENTIFIER && to < end
                        && text[to] == '(' && Character.isJavaIdentifierStart(text[from])) {
                    c = FUNCTION_CLASS;
                }
                Arrays.fill(lineClass, from - start, to - start, c);
            }
            emitLine(text, start, end, lineClass, out);
            if (end == text.length) {
                break;
            }
            // Keep \n, \r\n and \r exactly as written, outside any span.
            int next = end + (text[end] == '\r' && end + 1 < text.length && text[end + 1] == '\n' ? 2 : 1);
            out.append(text, end, next - end);
            start = next;
        }
        return out.toString();
    }

    private static void emitLine(char[] text, int start, int end, String[] lineClass,
            StringBuilder out) {
        int i = start;
        while (i < end) {
            String c = lineClass[i - start];
            int j = i + 1;
            // Merge equal neighbours, and never split a surrogate pair across spans.
            while (j < end && (lineClass[j - start] == c || Character.isLowSurrogate(text[j])
                    && Character.isHighSurrogate(text[j - 1]))) {
                j++;
            }
            if (c == null) {
                escape(text, i, j, out);
            } else {
                out.append("<span class=\"").append(c).append("\">");
                escape(text, i, j, out);
                out.append("</span>");
            }
            i = j;
        }
    }

    /** Escapes the five HTML-significant characters; everything else is copied verbatim. */
    private static void escape(char[] s, int from, int to, StringBuilder out) {
        for (int i = from; i < to; i++) {
            char ch = s[i];
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
    }
}
