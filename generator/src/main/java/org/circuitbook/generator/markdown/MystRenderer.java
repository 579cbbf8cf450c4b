package org.circuitbook.generator.markdown;

import java.util.List;
import java.util.Map;
import java.util.Set;
import com.vladsch.flexmark.ast.FencedCodeBlock;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.ast.HtmlBlock;
import com.vladsch.flexmark.ast.HtmlCommentBlock;
import com.vladsch.flexmark.ast.HtmlInline;
import com.vladsch.flexmark.ast.HtmlInlineComment;
import com.vladsch.flexmark.ast.Link;
import com.vladsch.flexmark.ext.definition.DefinitionTerm;
import com.vladsch.flexmark.ext.footnotes.Footnote;
import com.vladsch.flexmark.html.HtmlWriter;
import com.vladsch.flexmark.html.renderer.NodeRenderer;
import com.vladsch.flexmark.html.renderer.NodeRendererContext;
import com.vladsch.flexmark.html.renderer.NodeRenderingHandler;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.highlight.CodeHighlighter;

/**
 * Renders the MyST dialect to finished HTML: directives, math (already typeset by the check stage),
 * citations with hover cards, numbered cross-references with previews, headings with anchors,
 * highlighted code, and footnotes as sidenotes. The check stage has validated everything, so a
 * missing label here is a bug, not an author error.
 */
final class MystRenderer implements NodeRenderer {
    @Override
    public Set<NodeRenderingHandler<?>> getNodeRenderingHandlers() {
        return Set.of(
                new NodeRenderingHandler<>(DirectiveBlock.class, this::directive),
                new NodeRenderingHandler<>(MystNodes.MathBlock.class, this::mathBlock),
                new NodeRenderingHandler<>(MystNodes.InlineMath.class, (n, c, h) -> h.raw(math(n, c))),
                new NodeRenderingHandler<>(MystNodes.Role.class, this::role),
                new NodeRenderingHandler<>(MystNodes.Citation.class, this::citation),
                new NodeRenderingHandler<>(MystNodes.Target.class, this::target),
                new NodeRenderingHandler<>(Heading.class, this::heading),
                new NodeRenderingHandler<>(DefinitionTerm.class, this::definitionTerm),
                new NodeRenderingHandler<>(Link.class, this::link),
                new NodeRenderingHandler<>(FencedCodeBlock.class, this::code),
                new NodeRenderingHandler<>(Footnote.class, this::footnote),
                new NodeRenderingHandler<>(HtmlBlock.class, RawHtml::render),
                new NodeRenderingHandler<>(HtmlCommentBlock.class, RawHtml::render),
                new NodeRenderingHandler<>(HtmlInline.class, RawHtml::render),
                new NodeRenderingHandler<>(HtmlInlineComment.class, RawHtml::render));
    }

    private static RenderContext ctx(NodeRendererContext c) {
        return RenderContext.of(c.getDocument());
    }

    private static String math(Node node, NodeRendererContext c) {
        String html = ctx(c).book.math().get(node);
        if (html == null) {
            throw new IllegalStateException("formula at offset " + node.getStartOffset() + " was not typeset");
        }
        return ctx(c).defer(html);
    }

    private static String idAttr(String id) {
        return id == null ? "" : " id=\"" + Html.escape(id) + "\"";
    }

    private void directive(DirectiveBlock d, NodeRendererContext c, HtmlWriter html) {
        RenderContext ctx = ctx(c);
        Directives.Spec spec = Directives.get(d.name());
        String id = ctx.book.index().id(d);
        String number = ctx.book.index().number(d);
        html.line();
        switch (spec.kind()) {
            case FIGURE -> {
                // the check refused any other source; this guard keeps the page safe regardless
                String src = UrlPolicy.allowed(d.argument(), UrlPolicy.Use.IMAGE) ? Links.contentRelative(d.argument()) : "#";
                StringBuilder img = new StringBuilder("<img src=\"").append(Html.escape(src))
                        .append("\" alt=\"").append(Html.escape(option(d, "alt"))).append("\" loading=\"lazy\"");
                String width = Directives.cssWidth(option(d, "width"));
                if (width != null) {
                    img.append(" style=\"width: ").append(Html.escape(width)).append("\"");
                }
                img.append('>');
                String align = d.options().containsKey("align") ? " align-" + Html.escape(option(d, "align")) : "";
                String diagram = ctx.book.diagrams().get(d);
                if (diagram != null) { // written into the page, so that it takes the theme's colours
                    String svg = width == null ? diagram : diagram.replaceFirst("^<svg ", "<svg style=\"width: "
                            + Html.escape(width) + "\" ");
                    html.raw("<figure class=\"figure diagram-figure" + align + Html.escape(Directives.layoutClass(d)) + "\""
                            + idAttr(id) + ">").line().raw(ctx.defer(svg)).line();
                    caption(d, c, html, "Figure " + number);
                    html.raw("</figure>").line();
                    return;
                }
                html.raw("<figure class=\"figure" + align + Html.escape(Directives.layoutClass(d)) + "\"" + idAttr(id) + ">")
                        .line().raw(img.toString()).line();
                caption(d, c, html, "Figure " + number);
                html.raw("</figure>").line();
            }
            case TABLE -> {
                html.raw("<figure class=\"table-figure" + Html.escape(Directives.layoutClass(d)) + "\"" + idAttr(id) + ">").line();
                html.raw("<figcaption><span class=\"caption-number\">Table " + number + "</span>"
                        + (d.argument().isEmpty() ? "" : " " + Html.escape(d.argument())) + "</figcaption>").line();
                c.renderChildren(d);
                html.raw("</figure>").line();
            }
            case ADMONITION -> {
                String title = d.argument().isEmpty() ? defaultTitle(d.name()) : d.argument();
                String cls = "admonition " + d.name();
                if ("dropdown".equals(option(d, "class"))) {
                    html.raw("<details class=\"" + cls + "\"" + idAttr(id) + "><summary class=\"admonition-title\">"
                            + Html.escape(title) + "</summary>").line();
                    c.renderChildren(d);
                    html.raw("</details>").line();
                } else {
                    html.raw("<aside class=\"" + cls + "\"" + idAttr(id) + " role=\"note\"><p class=\"admonition-title\">"
                            + Html.escape(title) + "</p>").line();
                    c.renderChildren(d);
                    html.raw("</aside>").line();
                }
            }
            case MARGIN -> {
                html.raw("<aside class=\"margin\">").line();
                c.renderChildren(d);
                html.raw("</aside>").line();
            }
            case MATH -> displayMath(html, id, math(d, c), number);
            case GLOSSARY -> {
                html.raw("<div class=\"glossary\">").line();
                c.renderChildren(d);
                html.raw("</div>").line();
            }
            case EXERCISE -> {
                String title = "<span class=\"caption-number\">Exercise " + number + "</span>"
                        + (d.argument().isEmpty() ? "" : " " + Html.escape(d.argument()));
                boxed(d, c, html, "exercise", id, "dropdown".equals(option(d, "class")), title);
            }
            case SOLUTION -> {
                BookIndex.Target exercise = ctx.book.index().target(d.argument());
                boxed(d, c, html, "solution", id, true, "Solution to " + Html.escape(exercise.text()));
            }
            case WIDGET -> widget(d, c, html, ctx, id, number);
        }
    }

    /** An exercise or a solution: a box with its title, folded (a {@code details}) when {@code folded}. */
    private static void boxed(DirectiveBlock d, NodeRendererContext c, HtmlWriter html, String cls, String id,
                              boolean folded, String titleHtml) {
        if (folded) {
            html.raw("<details class=\"" + cls + "\"" + idAttr(id) + "><summary class=\"" + cls + "-title\">" + titleHtml
                    + "</summary>").line();
            c.renderChildren(d);
            html.raw("</details>").line();
        } else {
            html.raw("<aside class=\"" + cls + "\"" + idAttr(id) + " role=\"note\"><p class=\"" + cls + "-title\">"
                    + titleHtml + "</p>").line();
            c.renderChildren(d);
            html.raw("</aside>").line();
        }
    }

    /** A glossary's term carries its id, for the {term} role's links; any other definition list is Flexmark's. */
    private void definitionTerm(DefinitionTerm term, NodeRendererContext c, HtmlWriter html) {
        String id = ctx(c).book.index().id(term);
        if (id == null) {
            c.delegateRender();
            return;
        }
        html.line().raw("<dt" + idAttr(id) + ">");
        c.renderChildren(term);
        html.raw("</dt>").line();
    }

    private static String option(DirectiveBlock d, String key) {
        DirectiveBlock.Option o = d.options().get(key);
        return o == null ? "" : o.value();
    }

    private static String defaultTitle(String name) {
        return switch (name) {
            case "seealso" -> "See also";
            default -> Character.toUpperCase(name.charAt(0)) + name.substring(1);
        };
    }

    private static void caption(DirectiveBlock d, NodeRendererContext c, HtmlWriter html, String label) {
        html.raw("<figcaption>").line();
        html.raw("<span class=\"caption-number\">" + label + "</span>").line();
        c.renderChildren(d);
        html.raw("</figcaption>").line();
    }

    private void widget(DirectiveBlock d, NodeRendererContext c, HtmlWriter html, RenderContext ctx, String id, String number) {
        WidgetFigures.Fallback fallback = ctx.widgets.fallback(d);
        int[] narrow = fallback == null ? null : fallback.narrowSize(); // a narrow figure shows that one, static and live
        StringBuilder open = new StringBuilder("<figure class=\"widget" + (narrow == null ? "" : " widget-narrow")
                + Html.escape(Directives.layoutClass(d)) + "\"")
                .append(idAttr(id))
                .append(" data-widget=\"").append(Html.escape(d.argument())).append('"');
        boolean live = ctx.widgets.live(d);
        if (!live) { // nothing to mount: boot.js and the bundle leave the figure (and its drawing) alone
            open.append(" data-static");
        }
        StringBuilder style = new StringBuilder();
        int[] size = ctx.widgets.drawingSize(d);
        if (size != null) { // the drawing's size and shape: the stylesheet reserves the figure's box from them
            style.append("--widget-width:").append(size[0]).append("px;--widget-aspect:").append(size[0]).append(" / ")
                    .append(size[1]).append(';');
        }
        if (narrow != null) { // its narrow arrangement's size and shape
            style.append("--widget-narrow-width:").append(narrow[0]).append("px;--widget-narrow-aspect:")
                    .append(narrow[0]).append(" / ").append(narrow[1]).append(';');
        }
        Double phoneControls = ctx.widgets.phoneControlsRem(d);
        if (phoneControls != null) { // the room its controls take on a phone, kept free before it mounts
            style.append("--widget-reserve-phone:").append(String.valueOf(phoneControls).replaceAll("\\.0$", "")).append("rem;");
        }
        Integer maxWidth = ctx.widgets.maxWidth(d);
        if (maxWidth != null) { // :height: caps the drawing, static and live (the stylesheet reads the variable)
            style.append("--widget-max-width:").append(maxWidth).append("px");
        }
        if (style.length() > 0) {
            open.append(" style=\"").append(style).append('"');
        }
        for (Map.Entry<String, String> a : ctx.widgets.attributes(d).entrySet()) {
            open.append(" data-").append(a.getKey()).append("=\"").append(Html.escape(a.getValue())).append('"');
        }
        html.raw(open.append('>').toString()).line();
        if (fallback == null) {
            html.raw("<div class=\"widget-fallback\"><p>This figure runs a trained model in your browser."
                    + " It appears here once the page's script has loaded; it needs JavaScript.</p></div>").line();
        } else {
            String widget = d.argument();
            html.raw("<div class=\"widget-fallback\">"
                    + ctx.drawingImage(widget, fallback.svg(), narrow == null ? null : "widget-wide-drawing", fallback.description())
                    + (fallback.narrowSvg() == null ? ""
                            : ctx.drawingImage(widget, fallback.narrowSvg(), "widget-narrow-drawing", fallback.description()))
                    + "<p class=\"widget-description\">"
                    + Html.escape(fallback.description()) + " <span class=\"widget-note\">(A static view of the"
                    + (live ? " trained model: with JavaScript, this figure runs it live.)" : " trained model.)")
                    + "</span></p></div>").line();
        }
        caption(d, c, html, "Figure " + number);
        String provenance = ctx.widgets.provenance(d);
        if (provenance != null) {
            html.raw("<details class=\"provenance\"><summary>About this model</summary>" + provenance + "</details>").line();
        }
        html.raw("</figure>").line();
    }

    private void mathBlock(MystNodes.MathBlock m, NodeRendererContext c, HtmlWriter html) {
        html.line();
        displayMath(html, ctx(c).book.index().id(m), math(m, c), ctx(c).book.index().number(m));
    }

    private static void displayMath(HtmlWriter html, String id, String typeset, String number) {
        html.raw("<div class=\"math-block\"" + idAttr(id) + ">" + typeset
                + (number == null ? "" : "<span class=\"eq-number\">(" + number + ")</span>") + "</div>").line();
    }

    private void role(MystNodes.Role r, NodeRendererContext c, HtmlWriter html) {
        RenderContext ctx = ctx(c);
        switch (r.name) {
            case "math" -> html.raw(math(r, c));
            case "metric" -> html.raw("<span class=\"metric\" title=\"" + Html.escape(ctx.book.metrics().get(r).source()
                    + ", from the build's training metrics") + "\">" + Html.escape(ctx.book.metricValues().get(r)) + "</span>");
            case "cite", "cite:p", "cite:t" -> cite(html, ctx, citeItems(r), r.name.equals("cite:t"));
            case "claim" -> {
                String checked = ctx.book.claimResults().get(r);
                String words = Html.escape(ctx.book.claims().get(r).words());
                html.raw(checked == null ? words : "<span class=\"claim\" title=\"" + Html.escape("Checked against the trained "
                        + "model by the build: " + checked) + "\">" + words + "</span>");
            }
            case "term" -> {
                RoleTarget t = RoleTarget.parse(r.content);
                xref(html, ctx, ctx.book.index().term(t.label()), Html.escape(t.text() == null ? t.label() : t.text()), "term");
            }
            default -> xref(html, ctx, ctx.book.index().target(RoleTarget.parse(r.content).label()), Html.escape(ctx.refText(r)), "xref");
        }
    }

    /** The works a {@code cite} role names, comma-separated. */
    static List<MystNodes.CiteItem> citeItems(MystNodes.Role r) {
        return java.util.Arrays.stream(r.content.split(","))
                .map(k -> new MystNodes.CiteItem(k.strip(), null, r.contentOffset)).toList();
    }

    /** A cross-reference: a link and, for focus or hover, a card previewing the target. */
    private static void xref(HtmlWriter html, RenderContext ctx, BookIndex.Target target, String textHtml, String cls) {
        String preview = switch (target.kind()) {
            case EQUATION -> equationPreview(ctx, target);
            case SECTION -> ""; // the link text already is the section's title
            default -> ctx.previewHtml(target);
        };
        html.raw("<span class=\"" + (cls.equals("xref") ? "xref" : "xref " + cls) + "\"><a href=\"" + Html.escape(target.href(ctx.page)) + "\">" + textHtml + "</a>");
        if (!preview.isEmpty()) {
            html.raw("<span class=\"xref-card\" role=\"tooltip\"><strong>" + Html.escape(target.text()) + "</strong> "
                    + preview + "</span>");
        }
        html.raw("</span>");
    }

    static String equationPreview(RenderContext ctx, BookIndex.Target target) {
        for (ParsedChapter p : ctx.book.chapters()) {
            if (!p.chapter().outputFile().equals(target.page())) {
                continue;
            }
            for (Node n : p.document().getDescendants()) {
                if (target.label().equals(ctx.book.index().id(n)) && ctx.book.math().containsKey(n)) {
                    return ctx.defer(ctx.book.math().get(n));
                }
            }
        }
        return "";
    }

    private void citation(MystNodes.Citation cite, NodeRendererContext c, HtmlWriter html) {
        cite(html, ctx(c), cite.items, cite.narrative);
    }

    private static void cite(HtmlWriter html, RenderContext ctx, List<MystNodes.CiteItem> written, boolean narrative) {
        written.forEach(i -> ctx.cited.add(i.key()));
        List<MystNodes.CiteItem> items = ctx.citeOrder(written);
        String text = ctx.citationHtml(written, narrative);
        StringBuilder card = new StringBuilder();
        for (MystNodes.CiteItem item : items) {
            card.append("<span class=\"cite-entry\">").append(ctx.citations.reference(item.key())).append("</span>");
        }
        html.raw("<span class=\"cite\"><a href=\"#ref-" + Html.escape(items.get(0).key()) + "\">" + text
                + "</a><span class=\"cite-card\" role=\"tooltip\">" + card + "</span></span>");
    }

    private void target(MystNodes.Target t, NodeRendererContext c, HtmlWriter html) {
        String id = ctx(c).book.index().id(t);
        if (id != null) {
            html.raw("<span class=\"target\"" + idAttr(id) + "></span>").line();
        }
    }

    private void heading(Heading h, NodeRendererContext c, HtmlWriter html) {
        String id = ctx(c).book.index().id(h);
        html.line().raw("<h" + h.getLevel() + idAttr(id) + ">");
        c.renderChildren(h);
        if (id != null) {
            html.raw(" <a class=\"heading-anchor\" href=\"#" + Html.escape(id) + "\" aria-label=\"Link to this section\">#</a>");
        }
        html.raw("</h" + h.getLevel() + ">").line();
    }

    private void link(Link link, NodeRendererContext c, HtmlWriter html) {
        RenderContext ctx = ctx(c);
        String url = link.getUrl().toString();
        if (url.isEmpty() || Links.isExternal(url)) {
            c.delegateRender();
            return;
        }
        Links.Resolved r = Links.resolve(url, ctx.page, ctx.book.index());
        BookIndex.Target target = r.anchor() == null ? null : ctx.book.index().target(r.anchor());
        if (r.page() != null && link.getText().isBlank() && target != null) {
            xref(html, ctx, target, Html.escape(ctx.targetText(target)), "xref"); // [](#label)
            return;
        }
        String href = r.page() == null ? r.file() : (r.page().equals(ctx.page) ? "" : r.page())
                + (r.anchor() == null ? "" : "#" + r.anchor());
        String title = link.getTitle().isEmpty() ? "" : " title=\"" + Html.escape(link.getTitle().toString()) + "\"";
        html.raw("<a href=\"" + Html.escape(href.isEmpty() ? "#" : href) + "\"" + title + ">");
        c.renderChildren(link);
        html.raw("</a>");
    }

    private void code(FencedCodeBlock block, NodeRendererContext c, HtmlWriter html) {
        String info = block.getInfo().toString().strip();
        int cut = 0;
        while (cut < info.length() && info.charAt(cut) != ' ' && info.charAt(cut) != '{') {
            cut++;
        }
        String language = info.substring(0, cut);
        String code = block.getContentChars().normalizeEOL();
        html.line().raw("<pre class=\"code\"" + (language.isEmpty() ? "" : " data-lang=\"" + Html.escape(language) + "\"")
                + "><code" + (language.isEmpty() ? "" : " class=\"language-" + Html.escape(language) + "\"") + ">");
        html.openPre();
        html.rawPre(CodeHighlighter.highlight(code, language));
        html.closePre();
        html.raw("</code></pre>").line();
    }

    /**
     * A footnote reference renders twice: a sidenote shown in the margin on wide screens, and the
     * usual numbered link to the endnotes that narrow screens and print show instead.
     */
    private void footnote(Footnote f, NodeRendererContext c, HtmlWriter html) {
        if (f.getFootnoteBlock() == null) {
            c.delegateRender();
            return;
        }
        int n = f.getFootnoteBlock().getFootnoteOrdinal();
        RenderContext ctx = ctx(c);
        String ref = "<sup class=\"footnote-ref\"><a href=\"#fn-" + n + "\">" + n + "</a></sup>";
        if (!ctx.openSidenotes.add(n)) {
            html.raw(ref); // the note refers to itself: link, do not recurse
            return;
        }
        NodeRendererContext sub = c.getSubContext(false);
        sub.renderChildren(f.getFootnoteBlock());
        ctx.openSidenotes.remove(n);
        String body = sub.getHtmlWriter().toString(-1, -1).strip()
                .replace("<p>", "").replace("</p>", " ").strip();
        html.raw("<sup class=\"footnote-ref\"><a id=\"fnref-" + n + "\" href=\"#fn-" + n + "\">" + n + "</a></sup>"
                + "<span class=\"sidenote\" role=\"note\"><span class=\"sidenote-number\">" + n + "</span> " + body + "</span>");
    }
}
