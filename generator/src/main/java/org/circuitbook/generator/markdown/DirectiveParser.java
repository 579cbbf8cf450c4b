package org.circuitbook.generator.markdown;

import java.util.Set;
import com.vladsch.flexmark.parser.block.AbstractBlockParser;
import com.vladsch.flexmark.parser.block.AbstractBlockParserFactory;
import com.vladsch.flexmark.parser.block.BlockContinue;
import com.vladsch.flexmark.parser.block.BlockParser;
import com.vladsch.flexmark.parser.block.BlockParserFactory;
import com.vladsch.flexmark.parser.block.BlockStart;
import com.vladsch.flexmark.parser.block.CustomBlockParserFactory;
import com.vladsch.flexmark.parser.block.MatchedBlockParser;
import com.vladsch.flexmark.parser.block.ParserState;
import com.vladsch.flexmark.parser.core.FencedCodeBlockParser;
import com.vladsch.flexmark.util.ast.Block;
import com.vladsch.flexmark.util.data.DataHolder;
import com.vladsch.flexmark.util.sequence.BasedSequence;

/**
 * Parses MyST directives in both fence forms into {@link DirectiveBlock}s whose body is ordinary
 * Markdown. Runs before Flexmark's fenced-code parser, so {@code ```{name}} is a directive while
 * {@code ```python} stays a code block. Nesting works by fence length: an inner directive's closing
 * fence is shorter than the outer one's, so only the inner one closes.
 */
final class DirectiveParser extends AbstractBlockParser {
    /** Directives whose body is raw text (TeX), not Markdown. */
    static final Set<String> RAW_BODY = Set.of("math");

    private final DirectiveBlock block;
    private final boolean raw;
    private boolean readingOptions = true;

    private DirectiveParser(DirectiveBlock block) {
        this.block = block;
        this.raw = RAW_BODY.contains(block.name());
    }

    @Override
    public Block getBlock() {
        return block;
    }

    @Override
    public boolean isContainer() {
        return !raw;
    }

    @Override
    public boolean canContain(ParserState state, BlockParser blockParser, Block child) {
        return !raw;
    }

    @Override
    public BlockContinue tryContinue(ParserState state) {
        if (block.closed()) {
            // the closing fence was consumed on the previous line; Flexmark closes containers this way
            return BlockContinue.none();
        }
        BasedSequence line = state.getLine();
        int start = state.getNextNonSpaceIndex();
        String rest = line.subSequence(start).trimEnd().toString();
        if (state.getIndent() < 4 && isClosingFence(rest)) {
            block.markClosed();
            return BlockContinue.atIndex(state.getLineEndIndex());
        }
        if (readingOptions) {
            if (rest.length() > 2 && rest.charAt(0) == ':' && rest.charAt(1) != ':') {
                int close = rest.indexOf(':', 1);
                String key = close > 1 ? rest.substring(1, close) : "";
                if (isOptionKey(key)) {
                    String value = rest.substring(close + 1).strip();
                    block.addOption(key, new DirectiveBlock.Option(value, state.getLineNumber() + 1,
                            state.getColumn() + (start - state.getIndex()) + 1));
                    return BlockContinue.atIndex(state.getLineEndIndex());
                }
            }
            readingOptions = false;
        }
        if (raw) {
            block.addRawLine(line.subSequence(state.getIndex()).trimEOL());
            return BlockContinue.atIndex(state.getLineEndIndex());
        }
        return BlockContinue.atIndex(state.getIndex());
    }

    private boolean isClosingFence(String rest) {
        if (rest.length() < block.fenceLength()) {
            return false;
        }
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) != block.fenceChar()) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOptionKey(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void closeBlock(ParserState state) {
        block.setCharsFromContent();
    }

    /** Registers the parser ahead of fenced code blocks. */
    static final class Factory implements CustomBlockParserFactory {
        @Override
        public Set<Class<?>> getAfterDependents() {
            return null;
        }

        @Override
        public Set<Class<?>> getBeforeDependents() {
            return Set.of(FencedCodeBlockParser.Factory.class);
        }

        @Override
        public boolean affectsGlobalScope() {
            return false;
        }

        @Override
        public BlockParserFactory apply(DataHolder options) {
            return new StartFactory(options);
        }
    }

    private static final class StartFactory extends AbstractBlockParserFactory {
        StartFactory(DataHolder options) {
            super(options);
        }

        @Override
        public BlockStart tryStart(ParserState state, MatchedBlockParser matched) {
            if (state.getIndent() >= 4) {
                return BlockStart.none();
            }
            BasedSequence line = state.getLine();
            int start = state.getNextNonSpaceIndex();
            String rest = line.subSequence(start).trimEnd().toString();
            if (rest.isEmpty() || (rest.charAt(0) != ':' && rest.charAt(0) != '`')) {
                return BlockStart.none();
            }
            char fence = rest.charAt(0);
            int length = 0;
            while (length < rest.length() && rest.charAt(length) == fence) {
                length++;
            }
            if (length < 3 || length >= rest.length() || rest.charAt(length) != '{') {
                return BlockStart.none();
            }
            int close = rest.indexOf('}', length);
            if (close < 0) {
                return BlockStart.none();
            }
            String name = rest.substring(length + 1, close).strip();
            if (name.isEmpty()) {
                return BlockStart.none();
            }
            String argument = rest.substring(close + 1).strip();
            int column = state.getColumn() + (start - state.getIndex()) + 1;
            DirectiveBlock block = new DirectiveBlock(name, argument, fence, length, state.getLineNumber() + 1, column);
            return BlockStart.of(new DirectiveParser(block)).atIndex(state.getLineEndIndex());
        }
    }
}
