package org.circuitbook.generator.markdown;

import com.vladsch.flexmark.ast.Code;
import com.vladsch.flexmark.ast.HardLineBreak;
import com.vladsch.flexmark.ast.SoftLineBreak;
import com.vladsch.flexmark.ast.Text;
import com.vladsch.flexmark.ext.typographic.TypographicQuotes;
import com.vladsch.flexmark.ext.typographic.TypographicSmarts;
import com.vladsch.flexmark.util.ast.Node;

/**
 * The reader-visible text of a subtree, for headings, previews and the table of contents. Written
 * here rather than using Flexmark's TextCollectingVisitor, which fails an internal assertion on some
 * trees with custom nodes (found by the fuzz test).
 */
public final class PlainText {
    private PlainText() {
    }

    public static String of(Node node) {
        StringBuilder sb = new StringBuilder();
        collect(node, sb);
        return sb.toString().replaceAll("\\s+", " ").strip();
    }

    private static void collect(Node node, StringBuilder sb) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof Text || child instanceof Code) {
                sb.append(child instanceof Code c ? c.getText() : child.getChars());
            } else if (child instanceof MystNodes.InlineMath m) {
                sb.append(m.tex);
            } else if (child instanceof TypographicSmarts s) {
                sb.append(s.getTypographicText().replace("&hellip;", "…").replace("&ndash;", "–").replace("&mdash;", "—"));
            } else if (child instanceof TypographicQuotes q) {
                sb.append('"');
                collect(child, sb);
                sb.append('"');
            } else if (child instanceof SoftLineBreak || child instanceof HardLineBreak) {
                sb.append(' ');
            } else {
                collect(child, sb);
                if (child.isOrDescendantOfType(com.vladsch.flexmark.util.ast.Block.class) && child instanceof com.vladsch.flexmark.util.ast.Block) {
                    sb.append(' ');
                }
            }
        }
    }
}
