package org.circuitbook.generator.markdown;

import java.util.LinkedHashMap;
import java.util.Map;
import com.vladsch.flexmark.util.ast.Block;
import com.vladsch.flexmark.util.sequence.BasedSequence;

/**
 * A MyST directive: {@code :::{name} argument} or {@code ```{name} argument}, then {@code :key: value}
 * option lines, then a Markdown body, closed by a fence of the same character at least as long.
 * Children of this node are the parsed body. Positions are 1-based file lines and columns.
 */
public final class DirectiveBlock extends Block {
    /** An option with where it was written. */
    public record Option(String value, int line, int column) {
    }

    private final String name;
    private final String argument;
    private final char fenceChar;
    private final int fenceLength;
    private final int line;
    private final int column;
    private final Map<String, Option> options = new LinkedHashMap<>();
    private final java.util.List<Map.Entry<String, Option>> repeated = new java.util.ArrayList<>();
    private boolean closed;
    private final StringBuilder rawBody = new StringBuilder();
    private final java.util.List<Integer> rawLineOffsets = new java.util.ArrayList<>();

    DirectiveBlock(String name, String argument, char fenceChar, int fenceLength, int line, int column) {
        this.name = name;
        this.argument = argument;
        this.fenceChar = fenceChar;
        this.fenceLength = fenceLength;
        this.line = line;
        this.column = column;
    }

    public String name() {
        return name;
    }

    /** The text after {@code {name}} on the opening line, trimmed; empty if none. */
    public String argument() {
        return argument;
    }

    public Map<String, Option> options() {
        return options;
    }

    /** Options given a second time (the first is kept in {@link #options}), for the check to report. */
    public java.util.List<Map.Entry<String, Option>> repeatedOptions() {
        return repeated;
    }

    void addOption(String key, Option option) {
        if (options.containsKey(key)) {
            repeated.add(Map.entry(key, option));
        } else {
            options.put(key, option);
        }
    }

    /** The opening fence's line and column (1-based). */
    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** False when the document ended before a closing fence. */
    public boolean closed() {
        return closed;
    }

    public String fence() {
        return String.valueOf(fenceChar).repeat(fenceLength);
    }

    char fenceChar() {
        return fenceChar;
    }

    int fenceLength() {
        return fenceLength;
    }

    void markClosed() {
        closed = true;
    }

    void addRawLine(BasedSequence line) {
        if (!rawLineOffsets.isEmpty()) {
            rawBody.append('\n');
        }
        rawLineOffsets.add(line.getStartOffset());
        rawBody.append(line);
    }

    /** For raw-body directives ({@code math}): the body text, blank lines at the ends removed. */
    public String rawBody() {
        return rawBody.toString().strip();
    }

    /** Maps an offset within {@link #rawBody()} to a document offset. */
    public int rawDocumentOffset(int offset) {
        String text = rawBody.toString();
        int lead = text.length() - text.stripLeading().length();
        return MystNodes.documentOffset(text, rawLineOffsets, lead + offset, getStartOffset());
    }

    @Override
    public BasedSequence[] getSegments() {
        return EMPTY_SEGMENTS;
    }

    @Override
    public void getAstExtra(StringBuilder out) {
        out.append(" name:").append(name).append(" argument:").append(argument).append(" options:").append(options.keySet());
    }
}
