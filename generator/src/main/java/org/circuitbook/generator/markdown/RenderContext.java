package org.circuitbook.generator.markdown;

import java.util.LinkedHashSet;
import java.util.Set;
import com.vladsch.flexmark.util.ast.Document;
import com.vladsch.flexmark.util.data.NullableDataKey;

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

    public RenderContext(String page, CheckedBook book, Citations citations, WidgetFigures widgets) {
        this.page = page;
        this.book = book;
        this.citations = citations;
        this.widgets = widgets;
    }

    public Set<String> cited() {
        return cited;
    }

    static RenderContext of(Document document) {
        RenderContext ctx = KEY.get(document);
        if (ctx == null) {
            throw new IllegalStateException("render a chapter through Markdown.render(document, context)");
        }
        return ctx;
    }
}
