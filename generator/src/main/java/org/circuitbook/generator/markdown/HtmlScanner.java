package org.circuitbook.generator.markdown;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads raw HTML the way a browser's tokenizer does, from its data state, and reports each tag with its
 * attributes, each comment, and everything it cannot read as a complete tag. A hand-written scanner, linear in
 * the text (no regular expressions to backtrack). It follows the browser where a looser reading would be
 * unsafe: a comment ends at the first {@code -->} or {@code --!>}, and {@code <!-->} is a whole comment;
 * attribute names run to a space, {@code /}, {@code >} or {@code =}; an unquoted value runs to a space or
 * {@code >}; a {@code /} between attributes is skipped. So whatever the browser would see as a tag, the
 * policy sees as the same tag.
 */
final class HtmlScanner {
    /** One attribute; {@code at} is the index of its name; {@code value} as written, before references are decoded. */
    record Attribute(String name, String value, int at) {
    }

    /** A start or end tag; {@code at} is the index of its {@code <}; names are lower-cased as browsers do. */
    record Tag(String name, boolean closing, List<Attribute> attributes, int at, int end) {
    }

    /** What the scanner found, in text order. */
    interface Sink {
        void tag(Tag tag);

        void problem(int at, String message, String hint);
    }

    /** Elements whose content a browser reads as text up to their end tag (none of them is allowed). */
    private static final Set<String> RAW_TEXT = Set.of("script", "style", "xmp", "iframe", "noembed", "noframes",
            "noscript", "textarea", "title", "plaintext");

    private final String text;
    private final Sink sink;
    /** The raw-text element the text is inside (its content is not tags), or null. */
    private String rawText;

    private HtmlScanner(CharSequence text, Sink sink, String rawText) {
        this.text = text.toString();
        this.sink = sink;
        this.rawText = rawText;
    }

    /**
     * Scans {@code text}, which starts inside the raw-text element {@code rawText} (null for none: the data state);
     * returns the raw-text element it ends inside, or null. A problem that leaves the browser's state unknown (an
     * unclosed tag) ends the scan.
     */
    static String scan(CharSequence text, Sink sink, String rawText) {
        HtmlScanner scanner = new HtmlScanner(text, sink, rawText);
        scanner.run();
        return scanner.rawText;
    }

    private void run() {
        int n = text.length();
        int i = rawText == null ? 0 : skipRawText(0);
        while (i < n) {
            if (text.charAt(i) != '<') {
                i++;
                continue;
            }
            if (startsWith(i, "<!--")) {
                i = comment(i);
            } else if (startsWith(i, "<!") || startsWith(i, "<?")) {
                boolean declaration = text.charAt(i + 1) == '!';
                sink.problem(i, (declaration ? "<!...> declarations are" : "<?...?> processing instructions are")
                        + " not allowed", "only HTML comments, <!-- like this -->, are");
                i = skipPast(i, '>');
            } else if (startsWith(i, "</")) {
                if (i + 2 < n && isAsciiLetter(text.charAt(i + 2))) {
                    i = tag(i, true);
                } else {
                    sink.problem(i, "\"</\" does not start a closing tag", "write &lt;/ for a literal </");
                    i = skipPast(i, '>');
                }
            } else if (i + 1 < n && isAsciiLetter(text.charAt(i + 1))) {
                i = tag(i, false);
            } else {
                i++; // a lone '<' is text to a browser
            }
        }
    }

    /** Scans a comment starting at {@code <!--}; returns the index after it, or the end after a problem. */
    private int comment(int start) {
        int body = start + 4;
        if (startsWith(body, ">")) {
            return body + 1;
        }
        if (startsWith(body, "->")) {
            return body + 2;
        }
        for (int k = body; k < text.length(); k++) {
            if (startsWith(k, "-->")) {
                return k + 3;
            }
            if (startsWith(k, "--!>")) {
                return k + 4;
            }
        }
        sink.problem(start, "HTML comment is never closed", "end it with -->");
        return text.length();
    }

    /** Scans a tag starting at its {@code <}; returns the index after it, or the end after a problem. */
    private int tag(int start, boolean closing) {
        int n = text.length();
        int k = start + (closing ? 2 : 1);
        int nameStart = k;
        while (k < n && !isSpace(text.charAt(k)) && text.charAt(k) != '/' && text.charAt(k) != '>') {
            k++;
        }
        String name = text.substring(nameStart, k).toLowerCase(Locale.ROOT);
        List<Attribute> attributes = new ArrayList<>();
        while (true) {
            while (k < n && (isSpace(text.charAt(k)) || text.charAt(k) == '/')) {
                k++;
            }
            if (k >= n) {
                return unclosed(start, name, closing);
            }
            if (text.charAt(k) == '>') {
                k++;
                break;
            }
            int attrStart = k;
            k++; // a first '=' belongs to the name, as in browsers
            while (k < n && !isSpace(text.charAt(k)) && "/>=".indexOf(text.charAt(k)) < 0) {
                k++;
            }
            String attrName = text.substring(attrStart, k).toLowerCase(Locale.ROOT);
            int afterName = k;
            while (k < n && isSpace(text.charAt(k))) {
                k++;
            }
            String value = "";
            if (k < n && text.charAt(k) == '=') {
                k++;
                while (k < n && isSpace(text.charAt(k))) {
                    k++;
                }
                if (k >= n) {
                    return unclosed(start, name, closing);
                }
                char q = text.charAt(k);
                if (q == '"' || q == '\'') {
                    int close = indexOf(q, k + 1);
                    if (close < 0) {
                        sink.problem(attrStart, "the value of " + attrName + " in <" + name + "> is never closed",
                                "end it with " + q);
                        return n;
                    }
                    value = text.substring(k + 1, close);
                    k = close + 1;
                } else {
                    int valueStart = k;
                    while (k < n && !isSpace(text.charAt(k)) && text.charAt(k) != '>') {
                        k++;
                    }
                    value = text.substring(valueStart, k);
                }
            } else {
                k = afterName;
            }
            attributes.add(new Attribute(attrName, value, attrStart));
        }
        Tag tag = new Tag(name, closing, List.copyOf(attributes), start, k);
        sink.tag(tag);
        if (!closing && RAW_TEXT.contains(name)) {
            // the browser reads up to </name> as text: skip it rather than report its contents as tags
            rawText = name;
            return skipRawText(k);
        }
        return k;
    }

    /** Skips the rest of the raw-text element's content, and its end tag if this text holds it. */
    private int skipRawText(int from) {
        int end = rawText.equals("plaintext") ? -1 : indexOfIgnoreCase("</" + rawText, from);
        if (end < 0) {
            return text.length();
        }
        rawText = null;
        return skipPast(end, '>');
    }

    private int unclosed(int start, String name, boolean closing) {
        sink.problem(start, "HTML tag <" + (closing ? "/" : "") + name + " is never closed",
                "end it with >, or write &lt; for a literal <");
        return text.length();
    }

    private int skipPast(int from, char c) {
        int at = indexOf(c, from);
        return at < 0 ? text.length() : at + 1;
    }

    private int indexOf(char c, int from) {
        return text.indexOf(c, from);
    }

    private int indexOfIgnoreCase(String s, int from) {
        for (int k = text.indexOf('<', from); k >= 0; k = text.indexOf('<', k + 1)) {
            if (text.regionMatches(true, k, s, 0, s.length())) {
                return k;
            }
        }
        return -1;
    }

    private boolean startsWith(int at, String s) {
        return text.startsWith(s, at);
    }

    /** The tokenizer's whitespace (a carriage return is a newline by then). */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }
}
