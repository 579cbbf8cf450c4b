package org.circuitbook.generator.markdown;

import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.data.MutableDataHolder;

/** The MyST dialect on top of Flexmark: its block and inline parsers and its renderer. */
public final class MystExtension implements Parser.ParserExtension, HtmlRenderer.HtmlRendererExtension {
    @Override
    public void parserOptions(MutableDataHolder options) {
    }

    @Override
    public void extend(Parser.Builder builder) {
        builder.customBlockParserFactory(new DirectiveParser.Factory());
        builder.customBlockParserFactory(new ThematicBreaks());
        builder.customBlockParserFactory(new MystBlockParsers.MathBlockParser.Factory());
        builder.customBlockParserFactory(new MystBlockParsers.TargetParser.Factory());
        builder.customInlineParserExtensionFactory(new MystInlineParser.Factory());
    }

    @Override
    public void rendererOptions(MutableDataHolder options) {
    }

    @Override
    public void extend(HtmlRenderer.Builder builder, String rendererType) {
        builder.nodeRendererFactory(options -> new MystRenderer());
        builder.linkResolverFactory(new SafeLinks.Factory());
    }
}
