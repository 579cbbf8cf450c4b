package org.circuitbook.generator.markdown;

import java.util.ArrayDeque;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.diagnostics.Problems;

/**
 * The limit on how deeply a chapter's Markdown may nest: lists, quotes, directives, emphasis and links
 * inside one another. Flexmark's renderer and ours recurse once per level, so a line of 10,000 {@code "> "}
 * would overflow the stack in rendering; no real chapter comes near the limit. Measured here without
 * recursion, first in the check stage, so {@code check} and {@code build} report it alike.
 */
public final class Nesting {
    /** Nodes inside one another, the document not counted. A list item in a list in a quote is 3. */
    public static final int LIMIT = 64;

    private Nesting() {
    }

    /**
     * The offset of the first container marker ({@code >}, a list item's {@code -} or {@code 1.}) that opens a
     * level beyond {@link #LIMIT} at the start of a line, or -1. Flexmark takes time quadratic in the containers a
     * line opens (a minute for 10,000 {@code "- "}), so such lines are found by this scan before parsing.
     */
    static int tooDeepLine(String text) {
        return tooDeepLine(text, 0);
    }

    private static int tooDeepLine(String text, int from) {
        int lineStart = from;
        while (lineStart < text.length()) {
            int end = text.indexOf('\n', lineStart);
            end = end < 0 ? text.length() : end;
            int depth = 0;
            int p = lineStart;
            while (p < end) {
                while (p < end && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) {
                    p++;
                }
                int marker = p;
                if (p < end && text.charAt(p) == '>') {
                    p++;
                } else if (p + 1 < end && "-*+".indexOf(text.charAt(p)) >= 0 && isBlank(text.charAt(p + 1))) {
                    p += 2;
                } else {
                    int digits = p;
                    while (digits < end && digits - p < 9 && Character.isDigit(text.charAt(digits))) {
                        digits++;
                    }
                    if (digits > p && digits + 1 < end && (text.charAt(digits) == '.' || text.charAt(digits) == ')')
                            && isBlank(text.charAt(digits + 1))) {
                        p = digits + 2;
                    } else {
                        break;
                    }
                }
                if (++depth > LIMIT) {
                    if (ThematicBreaks.isBreak(text.subSequence(marker, end))) {
                        break; // "* * * * ..." is a rule, not lists: it starts at or before this marker
                    }
                    return marker;
                }
            }
            lineStart = end + 1;
        }
        return -1;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /** {@code text} with every line {@link #tooDeepLine} finds blanked (line numbers kept), for a cheap parse. */
    static String withoutTooDeepLines(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int copied = 0;
        for (int at = tooDeepLine(text, 0); at >= 0; ) {
            int start = text.lastIndexOf('\n', at) + 1;
            int end = text.indexOf('\n', at);
            out.append(text, copied, start);
            copied = end < 0 ? text.length() : end;
            at = end < 0 ? -1 : tooDeepLine(text, end + 1);
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** Adds a problem at the first node nested deeper than {@link #LIMIT}; returns whether it found one. */
    public static boolean check(ParsedChapter parsed, Problems problems) {
        int deepLine = tooDeepLine(parsed.chapter().body());
        if (deepLine >= 0) {
            SourceMap map = SourceMap.of(parsed.chapter().body());
            report(parsed, map.line(deepLine), map.column(deepLine), problems);
            return true;
        }
        ArrayDeque<Node> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        for (Node child = parsed.document().getLastChild(); child != null; child = child.getPrevious()) {
            nodes.push(child); // last first, so the stack gives them back in document order
            depths.push(1);
        }
        while (!nodes.isEmpty()) {
            Node node = nodes.pop();
            int depth = depths.pop();
            if (depth > LIMIT) {
                SourceMap map = SourceMap.of(parsed.chapter().body());
                int offset = node.getStartOffset();
                int line = node instanceof DirectiveBlock d ? d.line() : map.line(offset);
                int column = node instanceof DirectiveBlock d ? d.column() : map.column(offset);
                report(parsed, line, column, problems);
                return true;
            }
            for (Node child = node.getLastChild(); child != null; child = child.getPrevious()) {
                nodes.push(child);
                depths.push(depth + 1);
            }
        }
        return false;
    }

    private static void report(ParsedChapter parsed, int line, int column, Problems problems) {
        problems.add(parsed.chapter().path(), line, column, "Markdown nested more than " + LIMIT + " levels deep",
                LIMIT + " levels of lists, quotes, directives, emphasis and links inside one another is the"
                        + " limit; flatten the structure");
    }
}
