package org.circuitbook.generator.markdown;

import java.util.Map;
import java.util.Set;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.html.HtmlWriter;
import com.vladsch.flexmark.html.renderer.NodeRenderer;
import com.vladsch.flexmark.html.renderer.NodeRendererContext;
import com.vladsch.flexmark.html.renderer.NodeRenderingHandler;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataHolder;

/**
 * The MyST dialect on top of Flexmark: directive parsing and rendering. Directives other than
 * {@code widget} are reported by the check stage before rendering, so rendering can assume a valid tree.
 */
public final class MystExtension implements Parser.ParserExtension, HtmlRenderer.HtmlRendererExtension {
    private final WidgetFigures widgets;

    public MystExtension(WidgetFigures widgets) {
        this.widgets = widgets;
    }

    @Override
    public void parserOptions(MutableDataHolder options) {
    }

    @Override
    public void extend(Parser.Builder builder) {
        builder.customBlockParserFactory(new DirectiveParser.Factory());
    }

    @Override
    public void rendererOptions(MutableDataHolder options) {
    }

    @Override
    public void extend(HtmlRenderer.Builder builder, String rendererType) {
        builder.nodeRendererFactory(options -> new DirectiveRenderer(widgets));
    }

    private static final class DirectiveRenderer implements NodeRenderer {
        private final WidgetFigures widgets;

        DirectiveRenderer(WidgetFigures widgets) {
            this.widgets = widgets;
        }

        @Override
        public Set<NodeRenderingHandler<?>> getNodeRenderingHandlers() {
            return Set.of(new NodeRenderingHandler<>(DirectiveBlock.class, this::render));
        }

        private void render(DirectiveBlock node, NodeRendererContext context, HtmlWriter html) {
            if (!"widget".equals(node.name())) {
                throw new IllegalStateException("unchecked directive " + node.name() + " reached the renderer");
            }
            StringBuilder open = new StringBuilder("<figure class=\"widget\" data-widget=\"")
                    .append(Html.escape(node.argument())).append('"');
            for (Map.Entry<String, String> a : widgets.attributes(node).entrySet()) {
                open.append(" data-").append(a.getKey()).append("=\"").append(Html.escape(a.getValue())).append('"');
            }
            open.append('>');
            html.line().raw(open.toString()).line();
            html.raw("<div class=\"widget-fallback\"><p>This figure runs a trained model in your browser."
                    + " It appears here once the page's script has loaded; it needs JavaScript.</p></div>").line();
            if (node.hasChildren()) {
                html.raw("<figcaption>").line();
                context.renderChildren(node);
                html.raw("</figcaption>").line();
            }
            html.raw("</figure>").line();
        }
    }
}
