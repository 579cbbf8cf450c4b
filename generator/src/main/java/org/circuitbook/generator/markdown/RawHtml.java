package org.circuitbook.generator.markdown;

import com.vladsch.flexmark.ast.HtmlBlockBase;
import com.vladsch.flexmark.ast.HtmlInlineBase;
import com.vladsch.flexmark.html.HtmlWriter;
import com.vladsch.flexmark.html.renderer.NodeRendererContext;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.sequence.BasedSequence;
import org.circuitbook.generator.diagnostics.Problems;

/**
 * The raw HTML in a chapter (Flexmark's HTML blocks, inline tags and comments) against {@link HtmlPolicy}: at
 * check time, each problem at its own line and column; at render time, the same policy again, so that HTML it
 * refuses is written as escaped text, never as markup.
 */
final class RawHtml {
    /** Receives each allowed {@code <a href>} and {@code <img src>}, to check like a Markdown link or image. */
    interface Urls {
        void url(int line, int column, String tag, String url);
    }

    private RawHtml() {
    }

    static boolean is(Node node) {
        return node instanceof HtmlBlockBase || node instanceof HtmlInlineBase;
    }

    /** What the renderer writes for the node: a block's content (without a block quote's markers), or the tag. */
    private static BasedSequence text(Node node) {
        return node instanceof HtmlBlockBase block ? block.getContentChars() : node.getChars();
    }

    /** Checks one node in the state the chapter's earlier raw HTML left (see {@link HtmlPolicy.Chapter}). */
    static void check(String path, SourceMap map, Node node, HtmlPolicy.Chapter state, Problems problems, Urls urls) {
        BasedSequence text = text(node);
        HtmlPolicy.check(text, state, new HtmlPolicy.Findings() {
            @Override
            public void problem(int at, String message, String hint) {
                int offset = text.getIndexOffset(at);
                problems.add(path, map.line(offset), map.column(offset), message, hint);
            }

            @Override
            public void url(int at, String tag, String value) {
                int offset = text.getIndexOffset(at);
                urls.url(map.line(offset), map.column(offset), tag, value);
            }
        });
    }

    /** The renderer's guard: raw HTML the policy allows as it is, anything else as text. */
    static void render(Node node, NodeRendererContext context, HtmlWriter html) {
        if (HtmlPolicy.allows(text(node))) {
            context.delegateRender();
        } else {
            html.text(text(node).toString());
        }
    }
}
