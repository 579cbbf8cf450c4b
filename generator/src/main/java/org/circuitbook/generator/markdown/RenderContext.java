package org.circuitbook.generator.markdown;

import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.data.NullableDataKey;
import com.vladsch.flexmark.util.sequence.Escaping;
import org.circuitbook.generator.output.ContentHash;

/** What rendering one chapter needs beyond its tree; attached to the Flexmark document. */
public final class RenderContext {
    static final NullableDataKey<RenderContext> KEY = new NullableDataKey<>("CIRCUITBOOK_RENDER_CONTEXT");

    final String page;
    final CheckedBook book;
    final Citations citations;
    final WidgetFigures widgets;
    /** Keys cited so far, in order: the chapter's References section lists exactly these. */
    final Set<String> cited = new LinkedHashSet<>();
    /** Footnotes whose sidenote is being rendered: a note that refers to itself must not recurse. */
    final Set<Integer> openSidenotes = new java.util.HashSet<>();
    /** Headings whose text is being read: a heading that refers to itself reads its index title instead. */
    private final Set<Node> reading = Collections.newSetFromMap(new IdentityHashMap<>());

    /** Where the static drawings of widget figures are published: {@code assets/figures/WIDGET.HASH.svg}. */
    public static final String FIGURES = "assets/figures/";
    /** The files this page publishes beside itself (path to bytes): its widget figures' static drawings. */
    private final java.util.Map<String, byte[]> files = new java.util.LinkedHashMap<>();

    /** Large HTML kept out of Flexmark's writer until the page is rendered; see {@link #defer}. */
    private final List<String> deferred = new java.util.ArrayList<>();
    private boolean deferring;

    public RenderContext(String page, CheckedBook book, Citations citations, WidgetFigures widgets) {
        this.page = page;
        this.book = book;
        this.citations = citations;
        this.widgets = widgets;
    }

    public Set<String> cited() {
        return cited;
    }

    /**
     * The plain text of a heading or caption as the page shows it, for the table of contents and hover
     * cards: roles and citations read as they do in the prose ("Figure 3.2", "(3.1)", "Elhage et al.
     * (2022)", a metric's value). Not HTML: escape it once where it goes into a page.
     */
    public String plainText(Node node) {
        return PlainText.of(node, this::inlineText);
    }

    /** The prose of a subtree as the page shows it, without code and math (see {@link PlainText#prose}). */
    public String proseText(Node node) {
        return PlainText.prose(node, this::inlineText);
    }

    /** The plain text of a role or citation, as {@link MystRenderer} shows it; null for anything else. */
    private String inlineText(Node node) {
        if (node instanceof MystNodes.Citation c) {
            return html2text(citationHtml(c.items, c.narrative));
        }
        if (!(node instanceof MystNodes.Role r)) {
            return null;
        }
        return switch (r.name) {
            case "math" -> r.content;
            case "metric" -> book.metricValues().get(r);
            case "claim" -> book.claims().get(r).words();
            case "cite", "cite:p", "cite:t" -> html2text(citationHtml(MystRenderer.citeItems(r), r.name.equals("cite:t")));
            case "ref", "numref", "eq" -> refText(r);
            case "term" -> {
                RoleTarget t = RoleTarget.parse(r.content);
                yield t.text() == null ? t.label() : t.text();
            }
            default -> null;
        };
    }

    /** What a {@code ref}, {@code numref} or {@code eq} role reads as: "Figure 3.2", "Fig. 3.2", "(3.1)", a section's title. */
    String refText(MystNodes.Role r) {
        RoleTarget t = RoleTarget.parse(r.content);
        BookIndex.Target target = book.index().target(t.label());
        if (t.text() != null) {
            return r.name.equals("numref") ? t.text().replace("%s", target.number()) : t.text();
        }
        return r.name.equals("eq") ? "(" + target.number() + ")" : targetText(target);
    }

    /**
     * What a lookup that {@link BookIndex#recordReads} recorded gives in this context's book, as a page would show
     * it: for a label, its target, the text a reference to it reads as and its hover card's preview; for a term, the
     * same for its entry; for a page or an anchor, whether it exists; for a page, its chapter number. Two books in
     * which every lookup a page made gives the same reading render that page the same (given the same chapter
     * tree and the same values for its own nodes: {@link PageCache}).
     */
    public String reading(String key) {
        String arg = key.substring(1);
        BookIndex index = book.index();
        return switch (key.charAt(0)) {
            case 't' -> {
                BookIndex.Target t = index.target(arg);
                // what a page shows of a target: not where its source is (path and line are for diagnostics), so a
                // line added above a label re-renders only its own chapter
                yield t == null ? "-" : String.join("\u0000", t.label(), t.kind().name(), t.page(), t.anchor(),
                        String.valueOf(t.number()), String.valueOf(t.title()), targetText(t))
                        + "\u0000"
                        + (t.kind() == BookIndex.Kind.EQUATION ? MystRenderer.equationPreview(this, t) : previewHtml(t));
            }
            case 'm' -> {
                BookIndex.Target t = index.term(arg);
                yield t == null ? "-" : reading("t" + t.label());
            }
            case 'p' -> String.valueOf(index.hasPage(arg));
            case 'a' -> String.valueOf(index.hasAnchor(arg.substring(0, arg.indexOf('\u0000')), arg.substring(arg.indexOf('\u0000') + 1)));
            case 'c' -> index.chapterNumber(arg);
            default -> throw new IllegalArgumentException("not a recorded lookup: " + key);
        };
    }

    /** "Figure 3.2", "Equation (3.1)", or a section's heading as the page shows it. */
    String targetText(BookIndex.Target target) {
        if (target.kind() == BookIndex.Kind.SECTION && book.index().node(target.label()) instanceof Heading h
                && reading.add(h)) {
            try {
                return plainText(h);
            } finally {
                reading.remove(h);
            }
        }
        return target.text();
    }

    /**
     * A hover card's preview, as HTML: a figure's caption, an exercise's or solution's text, a term's definition
     * (inline math typeset as on the page, cut at a word near 300 characters), or a table's title.
     */
    String previewHtml(BookIndex.Target target) {
        Node node = book.index().node(target.label());
        Node body = node == null ? null : switch (target.kind()) {
            case FIGURE, EXERCISE, SOLUTION -> node;
            case TERM -> definitionOf(node);
            default -> null;
        };
        if (body == null) {
            return Html.escape(target.title());
        }
        List<String> typeset = new java.util.ArrayList<>();
        java.util.function.Function<Node, String> math = n -> {
            String html = book.math().get(n);
            if (html == null) {
                return null;
            }
            typeset.add(html);
            return MATH_OPEN + (typeset.size() - 1) + MATH_CLOSE;
        };
        String text = PlainText.of(body, n -> n instanceof MystNodes.Role r && r.name.equals("math") ? math.apply(n)
                : inlineText(n), m -> {
                    String marker = math.apply(m);
                    return marker == null ? m.tex : marker;
                });
        text = cutAtWord(text, 300);
        StringBuilder out = new StringBuilder();
        java.util.regex.Matcher marks = java.util.regex.Pattern.compile(MATH_OPEN + "(\\d+)" + MATH_CLOSE).matcher(text);
        int at = 0;
        while (marks.find()) {
            out.append(Html.escape(text.substring(at, marks.start()))).append(typeset.get(Integer.parseInt(marks.group(1))));
            at = marks.end();
        }
        return defer(out.append(Html.escape(text.substring(at))).toString());
    }

    private static final String MATH_OPEN = "\uE010";
    private static final String MATH_CLOSE = "\uE011";

    /** {@code text} cut at the last space before {@code limit} characters, with an ellipsis; whole when short. */
    static String cutAtWord(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        int space = text.lastIndexOf(' ', limit - 1);
        int marker = text.lastIndexOf(MATH_OPEN, limit - 1);
        if (marker > text.lastIndexOf(MATH_CLOSE, limit - 1)) { // never cut inside a formula's stand-in
            space = Math.min(space, marker);
        }
        return (space > limit / 2 ? text.substring(0, space) : text.substring(0, limit - 1)).stripTrailing() + "\u2026";
    }

    /** A glossary term's definition: the definition after it. */
    private static Node definitionOf(Node term) {
        for (Node n = term.getNext(); n != null; n = n.getNext()) {
            if (n instanceof com.vladsch.flexmark.ext.definition.DefinitionItem item) {
                return item;
            }
        }
        return null;
    }

    /** The text of a citation, as HTML: "Elhage et al. (2022)", "(Elhage et al., 2022; Olah et al., 2020)". */
    String citationHtml(List<MystNodes.CiteItem> written, boolean narrative) {
        List<MystNodes.CiteItem> items = citeOrder(written);
        return narrative && items.size() == 1 ? citations.narrative(items.get(0)) : citations.parenthetical(items);
    }

    /** The cited works in the style's order, which the text, the link and the card follow. */
    List<MystNodes.CiteItem> citeOrder(List<MystNodes.CiteItem> written) {
        List<String> order = citations.sorted(written.stream().map(MystNodes.CiteItem::key).distinct().toList());
        return written.stream().sorted(Comparator.comparingInt(i -> order.indexOf(i.key()))).toList();
    }

    private static String html2text(String html) {
        return Escaping.unescapeHtml(html.replaceAll("<[^>]*>", ""));
    }

    /**
     * A short stand-in for a large piece of finished HTML (typeset math, a widget's drawing), put back by
     * {@link #undefer} once Flexmark has written the page: its writer copies raw HTML a character at a time,
     * which was a good part of the render stage for the book's figures and formulas. The stand-in uses
     * private-use characters, and is not used for a chapter whose text contains them.
     */
    String defer(String html) {
        if (!deferring || html.length() < 64) {
            return html;
        }
        // as Flexmark's writer would have written it: it drops the indentation of every line after the first
        deferred.add(html.indexOf('\n') < 0 ? html : LINE_INDENT.matcher(html).replaceAll("\n"));
        return String.valueOf(DEFER_OPEN) + (deferred.size() - 1) + DEFER_CLOSE;
    }

    /**
     * A widget figure's static drawing as an image of its own ({@code <img loading="lazy">}): the SVG is published
     * as {@code assets/figures/WIDGET.HASH.svg} (a content-hashed name, as the weights have: {@link ContentHash}, so a
     * changed drawing gets a new name and a reader's cache never shows an old one), and the page carries only the
     * element. The
     * page's first load then holds no drawing (they were most of a chapter's HTML), a drawing is fetched when it
     * nears the viewport, and a hidden arrangement (the narrow one on a wide screen) is not fetched on a scroll;
     * Chromium fetches lazy images before it prints (README, "Authoring"). {@code alt} is the drawing's description, which the SVG's
     * {@code <title>} also is; the width and height (the SVG's view box) reserve its box before it loads.
     */
    String drawingImage(String widget, String svg, String cssClass, String alt) {
        byte[] bytes = svg.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String path = FIGURES + ContentHash.name(widget.replaceAll("[^a-z0-9-]", ""), ContentHash.sha256(bytes), ".svg");
        files.put(path, bytes);
        java.util.regex.Matcher box = VIEW_BOX.matcher(svg);
        String size = box.find() ? " width=\"" + box.group(1) + "\" height=\"" + box.group(2) + "\"" : "";
        return "<img class=\"widget-drawing" + (cssClass == null ? "" : " " + cssClass) + "\" src=\"" + path + "\" alt=\""
                + Html.escape(alt) + "\"" + size + " loading=\"lazy\" decoding=\"async\">";
    }

    /** The files this page's figures publish, path to bytes. */
    public java.util.Map<String, byte[]> files() {
        return java.util.Collections.unmodifiableMap(files);
    }

    private static final java.util.regex.Pattern VIEW_BOX = java.util.regex.Pattern.compile(
            "^<svg[^>]*? viewBox=\"0 0 ([0-9.]+) ([0-9.]+)\"");
    private static final java.util.regex.Pattern LINE_INDENT = java.util.regex.Pattern.compile("\n[ \t]+");
    private static final char DEFER_OPEN = '\uE000';
    private static final char DEFER_CLOSE = '\uE001';

    void startPage(Document document) {
        deferred.clear();
        deferring = document.getChars().indexOf(DEFER_OPEN) < 0;
    }

    /** The page's HTML with every deferred piece back in place. */
    String undefer(String html) {
        if (deferred.isEmpty()) {
            return html;
        }
        StringBuilder out = new StringBuilder(html.length() + deferred.stream().mapToInt(String::length).sum());
        int at = 0;
        while (true) {
            int open = html.indexOf(DEFER_OPEN, at);
            if (open < 0) {
                break;
            }
            int close = html.indexOf(DEFER_CLOSE, open);
            out.append(html, at, open).append(deferred.get(Integer.parseInt(html.substring(open + 1, close))));
            at = close + 1;
        }
        return out.append(html, at, html.length()).toString();
    }

    static RenderContext of(Document document) {
        RenderContext ctx = KEY.get(document);
        if (ctx == null) {
            throw new IllegalStateException("render a chapter through Markdown.render(document, context)");
        }
        return ctx;
    }
}
