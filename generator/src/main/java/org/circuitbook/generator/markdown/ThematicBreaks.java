package org.circuitbook.generator.markdown;

import java.util.Set;
import com.vladsch.flexmark.parser.Parser;
import com.vladsch.flexmark.parser.block.AbstractBlockParserFactory;
import com.vladsch.flexmark.parser.block.BlockParserFactory;
import com.vladsch.flexmark.parser.block.BlockStart;
import com.vladsch.flexmark.parser.block.CustomBlockParserFactory;
import com.vladsch.flexmark.parser.block.MatchedBlockParser;
import com.vladsch.flexmark.parser.block.ParserState;
import com.vladsch.flexmark.parser.core.BlockQuoteParser;
import com.vladsch.flexmark.parser.core.FencedCodeBlockParser;
import com.vladsch.flexmark.parser.core.HeadingParser;
import com.vladsch.flexmark.parser.core.HtmlBlockParser;
import com.vladsch.flexmark.parser.core.IndentedCodeBlockParser;
import com.vladsch.flexmark.parser.core.ListBlockParser;
import com.vladsch.flexmark.parser.core.ThematicBreakParser;
import com.vladsch.flexmark.util.data.DataHolder;
import com.vladsch.flexmark.util.sequence.BasedSequence;

/**
 * Thematic breaks ({@code ***}, {@code - - -}, {@code ___}) recognised by a scan instead of Flexmark's
 * regular expression, which recurses once per character and overflows the stack on a line of a few
 * thousand dashes or {@code "- "} pairs (a list nested 10,000 deep on one line). Same rule as CommonMark
 * and Flexmark's parser, which {@link Markdown} switches off: three or more of one of {@code * - _}, with
 * only spaces and tabs between and after them, indented less than four columns.
 */
final class ThematicBreaks implements CustomBlockParserFactory {
    /** A thematic break line: {@code line} from its first non-space character. */
    static boolean isBreak(CharSequence line) {
        char mark = 0;
        int count = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '*' || c == '-' || c == '_') {
                if (mark != 0 && c != mark) {
                    return false;
                }
                mark = c;
                count++;
            } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return count >= 3;
    }

    @Override
    public BlockParserFactory apply(DataHolder options) {
        boolean relaxed = Parser.THEMATIC_BREAK_RELAXED_START.get(options);
        return new AbstractBlockParserFactory(options) {
            @Override
            public BlockStart tryStart(ParserState state, MatchedBlockParser matched) {
                if (state.getIndent() >= 4 || matched.getBlockParser().isParagraphParser() && !relaxed) {
                    return BlockStart.none();
                }
                BasedSequence line = state.getLine();
                if (!isBreak(line.subSequence(state.getNextNonSpaceIndex(), line.length()))) {
                    return BlockStart.none();
                }
                return BlockStart.of(new ThematicBreakParser(line.subSequence(state.getIndex()))).atIndex(line.length());
            }
        };
    }

    // the place Flexmark's own factory has among the core block parsers
    @Override
    public Set<Class<?>> getAfterDependents() {
        return Set.of(BlockQuoteParser.Factory.class, HeadingParser.Factory.class, FencedCodeBlockParser.Factory.class,
                HtmlBlockParser.Factory.class);
    }

    @Override
    public Set<Class<?>> getBeforeDependents() {
        return Set.of(ListBlockParser.Factory.class, IndentedCodeBlockParser.Factory.class);
    }

    @Override
    public boolean affectsGlobalScope() {
        return false;
    }
}
