package org.circuitbook.generator.markdown;

import java.util.List;
import com.vladsch.flexmark.ext.definition.DefinitionExtension;
import com.vladsch.flexmark.ext.footnotes.FootnoteExtension;
import com.vladsch.flexmark.ext.gfm.tasklist.TaskListExtension;
import com.vladsch.flexmark.ext.tables.TablesExtension;
import com.vladsch.flexmark.ext.typographic.TypographicExtension;
import com.vladsch.flexmark.html.HtmlRenderer;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.data.MutableDataSet;
import com.vladsch.flexmark.util.misc.Extension;

/**
 * The Flexmark configuration of the book: one list of extensions, in one place. Thread-safe: parse and
 * render may run for several chapters at once.
 */
public final class Markdown {
    private final Parser parser;
    private final HtmlRenderer renderer;

    public Markdown() {
        List<Extension> extensions = List.of(TablesExtension.create(), FootnoteExtension.create(),
                DefinitionExtension.create(), TaskListExtension.create(), TypographicExtension.create(),
                new MystExtension());
        MutableDataSet options = new MutableDataSet();
        options.set(Parser.EXTENSIONS, extensions);
        options.set(HtmlRenderer.ESCAPE_HTML_BLOCKS, false);
        options.set(Parser.THEMATIC_BREAK_PARSER, false); // replaced by ThematicBreaks (no regex recursion)
        // GFM tables: a header row, a delimiter row, no column-count games
        options.set(TablesExtension.COLUMN_SPANS, false);
        options.set(TablesExtension.APPEND_MISSING_COLUMNS, true);
        options.set(TablesExtension.DISCARD_EXTRA_COLUMNS, true);
        options.set(TablesExtension.HEADER_SEPARATOR_COLUMN_MATCH, true);
        options.set(FootnoteExtension.FOOTNOTE_REF_PREFIX, "");
        parser = Parser.builder(options).build();
        renderer = HtmlRenderer.builder(options).build();
    }

    public Document parse(String text) {
        // a line nested past the limit is left out of the tree (the check stage reports it): Flexmark would
        // take minutes over it
        return parser.parse(Nesting.tooDeepLine(text) < 0 ? text : Nesting.withoutTooDeepLines(text));
    }

    /** Renders a checked chapter; {@code context} supplies numbers, typeset math and citations. */
    public String render(Document document, RenderContext context) {
        RenderContext.KEY.set(document, context);
        context.startPage(document);
        return context.undefer(renderer.render(document));
    }
}
