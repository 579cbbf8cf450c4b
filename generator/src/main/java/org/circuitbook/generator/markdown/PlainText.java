package org.circuitbook.generator.markdown;

import java.util.Map;
import java.util.function.Function;
import com.vladsch.flexmark.ast.Code;
import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.ast.HtmlBlock;
import com.vladsch.flexmark.ast.HtmlInline;
import com.vladsch.flexmark.ast.IndentedCodeBlock;
import com.vladsch.flexmark.ext.footnotes.Footnote;
import com.vladsch.flexmark.ext.footnotes.FootnoteBlock;
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
        // a function of the subtree alone, and an unchanged chapter keeps its tree: kept per node (Flexmark's nodes
        // are equal only to themselves), so that the dev server's check does not read every caption again
        String text = READ.get(node);
        if (text == null) {
            text = of(node, PlainText::unresolved);
            READ.put(node, text);
        }
        return text;
    }

    private static final Map<Node, String> READ = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /**
     * Text with each role and citation read by {@code inline}, which returns its plain text, or null to
     * read it as {@link #of(Node)} would.
     */
    public static String of(Node node, Function<Node, String> inline) {
        return of(node, inline, m -> m.tex);
    }

    /** As {@link #of(Node, Function)}, with each piece of inline math read by {@code math}. */
    public static String of(Node node, Function<Node, String> inline, Function<MystNodes.InlineMath, String> math) {
        StringBuilder sb = new StringBuilder();
        collect(node, sb, inline, math);
        return sb.toString().replaceAll("\\s+", " ").strip();
    }

    /**
     * The prose of a node and its subtree as a reader reads it, for the search index and the reading time: like
     * {@link #of(Node, Function)}, but without code (inline or blocks), math, raw HTML or a widget's options,
     * and with each footnote's text where it is referenced (its endnote block is skipped).
     */
    public static String prose(Node node, Function<Node, String> inline) {
        StringBuilder sb = new StringBuilder();
        prose(node, sb, inline, new java.util.HashSet<>());
        return sb.toString().replaceAll("\\s+", " ").strip();
    }

    /** The prose of {@code node} itself (not only its children). */
    private static void prose(Node child, StringBuilder sb, Function<Node, String> inline, java.util.Set<Node> open) {
        if (child instanceof MystNodes.InlineMath m) {
            sb.append(readable(m.tex));
        } else if (child instanceof Code || child instanceof MystNodes.MathBlock
                || child instanceof FencedCodeBlock || child instanceof IndentedCodeBlock || child instanceof HtmlBlock
                || child instanceof HtmlInline || child instanceof FootnoteBlock
                || child instanceof MystNodes.Role r && r.name.equals("math")) {
            sb.append(' ');
        } else if (child instanceof Footnote f) {
            if (f.getFootnoteBlock() != null && open.add(f.getFootnoteBlock())) {
                sb.append(' ');
                children(f.getFootnoteBlock(), sb, inline, open);
                sb.append(' ');
                open.remove(f.getFootnoteBlock());
            }
        } else if (child instanceof Text || child instanceof HtmlEntity) {
            sb.append(child.getChars().unescape());
        } else if (child instanceof MystNodes.Role || child instanceof MystNodes.Citation) {
            String text = inline.apply(child);
            sb.append(text != null ? text : unresolved(child));
        } else if (child instanceof TypographicSmarts sm) {
            sb.append(Escaping.unescapeHtml(sm.getTypographicText()));
        } else if (child instanceof TypographicQuotes q) {
            sb.append(Escaping.unescapeHtml(q.getTypographicOpening()));
            children(child, sb, inline, open);
            sb.append(Escaping.unescapeHtml(q.getTypographicClosing()));
        } else if (child instanceof SoftLineBreak || child instanceof HardLineBreak) {
            sb.append(' ');
        } else {
            children(child, sb, inline, open);
            if (child instanceof Block) {
                sb.append(' ');
            }
        }
    }

    private static final java.util.Map<String, String> SYMBOLS = java.util.Map.ofEntries(
            java.util.Map.entry("alpha", "α"), java.util.Map.entry("beta", "β"), java.util.Map.entry("gamma", "γ"),
            java.util.Map.entry("delta", "δ"), java.util.Map.entry("epsilon", "ε"), java.util.Map.entry("lambda", "λ"),
            java.util.Map.entry("mu", "μ"), java.util.Map.entry("pi", "π"), java.util.Map.entry("sigma", "σ"),
            java.util.Map.entry("theta", "θ"), java.util.Map.entry("omega", "ω"), java.util.Map.entry("phi", "φ"),
            java.util.Map.entry("top", "ᵀ"), java.util.Map.entry("in", "∈"), java.util.Map.entry("times", "×"),
            java.util.Map.entry("cdot", "·"), java.util.Map.entry("approx", "≈"), java.util.Map.entry("le", "≤"),
            java.util.Map.entry("leq", "≤"), java.util.Map.entry("ge", "≥"), java.util.Map.entry("geq", "≥"),
            java.util.Map.entry("ne", "≠"), java.util.Map.entry("neq", "≠"), java.util.Map.entry("to", "→"),
            java.util.Map.entry("ldots", "…"), java.util.Map.entry("dots", "…"), java.util.Map.entry("sum", "∑"),
            java.util.Map.entry("bmod", "mod"), java.util.Map.entry("mod", "mod"), java.util.Map.entry("R", "ℝ"));

    /** Inline TeX as a reader might say it in plain text: "W^\top W" as "Wᵀ W", "\mathbb{R}^n" as "ℝn". */
    static String readable(String tex) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < tex.length(); i++) {
            char c = tex.charAt(i);
            if (c == '\\') {
                int j = i + 1;
                while (j < tex.length() && Character.isLetter(tex.charAt(j))) {
                    j++;
                }
                String name = tex.substring(i + 1, j);
                if (name.isEmpty() && j < tex.length()) {
                    j++; // \{ \, \; and the like
                    out.append(tex.charAt(i + 1) == '{' || tex.charAt(i + 1) == '}' ? tex.charAt(i + 1) : ' ');
                } else {
                    out.append(SYMBOLS.getOrDefault(name, ""));
                }
                i = j - 1;
            } else if (c != '{' && c != '}' && c != '^' && c != '_' && c != '$') {
                out.append(c);
            }
        }
        return out.toString().replaceAll("\\s+", " ").strip();
    }

    private static void children(Node node, StringBuilder sb, Function<Node, String> inline, java.util.Set<Node> open) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            prose(child, sb, inline, open);
        }
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
            if (r.name.equals("term")) {
                RoleTarget t = RoleTarget.parse(r.content);
                return t.text() == null ? t.label() : t.text();
            }
        }
        return "";
    }

    private static void collect(Node node, StringBuilder sb, Function<Node, String> inline,
                                Function<MystNodes.InlineMath, String> math) {
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof Text || child instanceof HtmlEntity) {
                sb.append(child.getChars().unescape());
            } else if (child instanceof Code c) {
                sb.append(c.getText());
            } else if (child instanceof MystNodes.InlineMath m) {
                sb.append(math.apply(m));
            } else if (child instanceof MystNodes.Role || child instanceof MystNodes.Citation) {
                String text = inline.apply(child);
                sb.append(text != null ? text : unresolved(child));
            } else if (child instanceof TypographicSmarts s) {
                sb.append(Escaping.unescapeHtml(s.getTypographicText()));
            } else if (child instanceof TypographicQuotes q) {
                sb.append(Escaping.unescapeHtml(q.getTypographicOpening()));
                collect(child, sb, inline, math);
                sb.append(Escaping.unescapeHtml(q.getTypographicClosing()));
            } else if (child instanceof SoftLineBreak || child instanceof HardLineBreak) {
                sb.append(' ');
            } else {
                collect(child, sb, inline, math);
                if (child instanceof Block) {
                    sb.append(' ');
                }
            }
        }
    }
}
