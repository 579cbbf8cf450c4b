package org.circuitbook.generator.markdown;

import java.util.List;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.misc.Extension;

/** The Flexmark configuration of the book: one list of extensions, in one place. */
public final class Markdown {
    private final Parser parser;
    private final HtmlRenderer renderer;

    public Markdown(WidgetFigures widgets) {
        List<Extension> extensions = List.of(TablesExtension.create(), new MystExtension(widgets));
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, extensions);
        options.set(HtmlRenderer.ESCAPE_HTML_BLOCKS, false);
        parser = Parser.builder(options).build();
        renderer = HtmlRenderer.builder(options).build();
    }

    /** A parser alone, for stages that only need the tree. */
    public static Markdown forParsing() {
        return new Markdown(widget -> java.util.Map.of());
    }

    public Document parse(String text) {
        return parser.parse(text);
    }

    public String render(Document document) {
        return renderer.render(document);
    }
}
