package org.circuitbook.generator.markdown;

import java.util.function.Function;
import com.vladsch.flexmark.ast.Code;
import com.vladsch.flexmark.ast.HardLineBreak;
import com.vladsch.flexmark.ast.HtmlEntity;
import com.vladsch.flexmark.ast.SoftLineBreak;
import com.vladsch.flexmark.ast.Text;
import com.vladsch.flexmark.ext.typographic.TypographicQuotes;
import com.vladsch.flexmark.ext.typographic.TypographicSmarts;
import com.vladsch.flexmark.util.ast.Block;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.sequence.Escaping;

/**
 * The reader-visible text of a subtree, for headings, previews and the table of contents: plain
 * characters, never HTML. Curly quotes, dashes and ellipses are the characters themselves ("’", not
 * "&amp;rsquo;"), backslash escapes and entity references are resolved ("\*" is "*", "&amp;amp;" is "&amp;"),
 * so whoever puts the text into a page escapes it exactly once. Written here rather than using
 * Flexmark's TextCollectingVisitor, which fails an internal assertion on some trees with custom nodes
 * (found by the fuzz test).
 */
public final class PlainText {
    private PlainText() {
    }

    /**
     * Text whose roles and citations are not yet known (while the book's index is built): a {@code math}
     * role reads as its TeX, a reference role with its own text as that text, anything else as nothing.
     */
    public static String of(Node node) {
        return of(node, PlainText::unresolved);
    }

    /**
     * Text with each role and citation read by {@code inline}, which returns its plain text, or null to
     * read it as {@link #of(Node)} would.
     */
    public static String of(Node node, Function<Node, String> inline) {
        StringBuilder sb = new StringBuilder();
        collect(node, sb, inline);
        return sb.toString().replaceAll("\\s+", " ").strip();
    }

    private static String unresolved(Node node) {
        if (node instanceof MystNodes.Role r) {
            if (r.name.equals("math")) {
                return r.content;
            }
            if (r.name.equals("ref") || r.name.equals("numref") || r.name.equals("eq")) {
                String text = RoleTarget.parse(r.content).text();
                return text == null || r.name.equals("numref") && text.contains("%s") ? "" : text;
            }
        }
        return "";
    }

    private static void collect(Node node, StringBuilder sb, Function<Node, String> inline) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof Text || child instanceof HtmlEntity) {
                sb.append(child.getChars().unescape());
            } else if (child instanceof Code c) {
                sb.append(c.getText());
            } else if (child instanceof MystNodes.InlineMath m) {
                sb.append(m.tex);
            } else if (child instanceof MystNodes.Role || child instanceof MystNodes.Citation) {
                String text = inline.apply(child);
                sb.append(text != null ? text : unresolved(child));
            } else if (child instanceof TypographicSmarts s) {
                sb.append(Escaping.unescapeHtml(s.getTypographicText()));
            } else if (child instanceof TypographicQuotes q) {
                sb.append(Escaping.unescapeHtml(q.getTypographicOpening()));
                collect(child, sb, inline);
                sb.append(Escaping.unescapeHtml(q.getTypographicClosing()));
            } else if (child instanceof SoftLineBreak || child instanceof HardLineBreak) {
                sb.append(' ');
            } else {
                collect(child, sb, inline);
                if (child instanceof Block) {
                    sb.append(' ');
                }
            }
        }
    }
}
