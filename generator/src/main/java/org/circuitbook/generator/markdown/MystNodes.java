package org.circuitbook.generator.markdown;

import java.util.List;
import com.vladsch.flexmark.util.ast.Block;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.sequence.BasedSequence;

/**
 * The AST nodes of the MyST dialect beyond directives. Each keeps the exact source characters it
 * came from, so the check stage can report problems at their file line and column.
 */
public final class MystNodes {
    private MystNodes() {
    }

    /** Maps an offset within multi-line {@code text} to a document offset, given each line's start offset. */
    static int documentOffset(String text, List<Integer> lineOffsets, int offset, int fallback) {
        int remaining = offset;
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length && i < lineOffsets.size(); i++) {
            if (remaining <= lines[i].length()) {
                return lineOffsets.get(i) + remaining;
            }
            remaining -= lines[i].length() + 1;
        }
        return lineOffsets.isEmpty() ? fallback : lineOffsets.get(0);
    }

    /** {@code $x^2$}: inline TeX. {@code texOffset} is the document offset of the TeX's first character. */
    public static final class InlineMath extends Node {
        public final String tex;
        public final int texOffset;

        InlineMath(BasedSequence chars, String tex, int texOffset) {
            super(chars);
            this.tex = tex;
            this.texOffset = texOffset;
        }

        @Override
        public BasedSequence[] getSegments() {
            return EMPTY_SEGMENTS;
        }
    }

    /** {@code {name}`content`}: a MyST role. {@code name} is e.g. ref, numref, eq, math, cite:p. */
    public static final class Role extends Node {
        public final String name;
        public final String content;
        public final int contentOffset;

        Role(BasedSequence chars, String name, String content, int contentOffset) {
            super(chars);
            this.name = name;
            this.content = content;
            this.contentOffset = contentOffset;
        }

        @Override
        public BasedSequence[] getSegments() {
            return EMPTY_SEGMENTS;
        }
    }

    /** One cited work, with an optional locator such as "p. 3". */
    public record CiteItem(String key, String locator, int offset) {
    }

    /**
     * A citation: {@code @key} (narrative: "Elhage et al. (2022)") or {@code [@a; @b, p. 3]}
     * (parenthetical: "(Elhage et al., 2022; ...)").
     */
    public static final class Citation extends Node {
        public final List<CiteItem> items;
        public final boolean narrative;

        Citation(BasedSequence chars, List<CiteItem> items, boolean narrative) {
            super(chars);
            this.items = List.copyOf(items);
            this.narrative = narrative;
        }

        @Override
        public BasedSequence[] getSegments() {
            return EMPTY_SEGMENTS;
        }
    }

    /**
     * {@code $$ ... $$ (label)}, or a {@code math} directive: display TeX, numbered when labelled. Filled
     * in when the parser closes the block.
     */
    public static final class MathBlock extends Block {
        public String tex = "";
        public String label;
        /** Document offsets of the start of each TeX line, to map a TeX error back to the file. */
        public int[] lineOffsets = new int[0];
        public final int line;
        public final int column;
        /** False when the document ended before the closing $$. */
        public boolean closed;
        /** True when text after the closing $$ is not a (label). */
        public boolean badLabel;

        MathBlock(BasedSequence chars, int line, int column) {
            super(chars);
            this.line = line;
            this.column = column;
        }

        /** Maps an offset within {@link #tex} to a document offset. */
        public int documentOffset(int texOffset) {
            return MystNodes.documentOffset(tex, java.util.Arrays.stream(lineOffsets).boxed().toList(), texOffset,
                    getStartOffset());
        }

        @Override
        public BasedSequence[] getSegments() {
            return EMPTY_SEGMENTS;
        }
    }

    /** {@code (label)=} on its own line: names the block that follows (usually a heading). */
    public static final class Target extends Block {
        public final String label;
        public final int line;
        public final int column;

        Target(BasedSequence chars, String label, int line, int column) {
            super(chars);
            this.label = label;
            this.line = line;
            this.column = column;
        }

        @Override
        public BasedSequence[] getSegments() {
            return EMPTY_SEGMENTS;
        }
    }
}
