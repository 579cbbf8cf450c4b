package org.circuitbook.generator.markdown;

import java.util.ArrayList;
import java.util.List;
import com.vladsch.flexmark.parser.block.AbstractBlockParser;
import com.vladsch.flexmark.parser.block.AbstractBlockParserFactory;
import com.vladsch.flexmark.parser.block.BlockContinue;
import com.vladsch.flexmark.parser.block.BlockParserFactory;
import com.vladsch.flexmark.parser.block.BlockStart;
import com.vladsch.flexmark.parser.block.CustomBlockParserFactory;
import com.vladsch.flexmark.parser.block.MatchedBlockParser;
import com.vladsch.flexmark.parser.block.ParserState;
import com.vladsch.flexmark.util.ast.Block;
import com.vladsch.flexmark.util.data.DataHolder;
import com.vladsch.flexmark.util.sequence.BasedSequence;

/** Block-level MyST syntax: {@code $$ ... $$ (label)} display math and {@code (label)=} targets. */
final class MystBlockParsers {
    private MystBlockParsers() {
    }

    /** Parses a {@code (label)} suffix after closing {@code $$}; null when absent, "" when malformed. */
    static String labelSuffix(String rest) {
        String r = rest.strip();
        if (r.isEmpty()) {
            return null;
        }
        if (r.length() > 2 && r.charAt(0) == '(' && r.charAt(r.length() - 1) == ')' && isLabel(r.substring(1, r.length() - 1))) {
            return r.substring(1, r.length() - 1);
        }
        return "";
    }

    /**
     * A label: letters and digits of any script, marks, symbols (emoji included) and {@code - _ . :}. No
     * spaces, quotes, brackets or {@code #}, so a label is one token in MyST's syntax and a valid HTML id and
     * URL fragment as it is.
     */
    static boolean isLabel(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            boolean ok = switch (Character.getType(c)) {
                case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                        Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.DECIMAL_DIGIT_NUMBER,
                        Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.NON_SPACING_MARK,
                        Character.COMBINING_SPACING_MARK, Character.ENCLOSING_MARK, Character.MATH_SYMBOL,
                        Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> c > 0x7f;
                default -> false;
            };
            if (!(ok || c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == ':' || c == '.')
                    || c == 0x200d || c == 0xfe0f)) { // zero-width joiner and emoji presentation: parts of emoji
                return false;
            }
        }
        return true;
    }

    /** The hint that goes with {@link #labelProblem}. */
    static final String LABEL_HINT = "labels are letters and digits of any script, emoji and symbols, and - _ . :"
            + " (no spaces), e.g. fig-residual-stream";

    /** Why {@code s} is not a label, for a diagnostic; null when it is one. */
    static String labelProblem(String s) {
        if (isLabel(s)) {
            return null;
        }
        if (s.isBlank()) {
            return "an empty label";
        }
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            if (!isLabel(new String(Character.toChars(c)))) {
                return Character.isWhitespace(c) ? "label \"" + s + "\" contains a space"
                        : "label \"" + s + "\" contains \"" + new String(Character.toChars(c)) + "\"";
            }
        }
        return "label \"" + s + "\" is not a label";
    }

    /** Display math: from a line starting with $$ to the line whose text ends with $$ (then a label). */
    static final class MathBlockParser extends AbstractBlockParser {
        private final StringBuilder tex = new StringBuilder();
        private final List<Integer> lineOffsets = new ArrayList<>();
        private final MystNodes.MathBlock block;
        private String label;
        private boolean done;

        MathBlockParser(BasedSequence opening, int line, int column) {
            this.block = new MystNodes.MathBlock(opening, line, column);
        }

        /** Takes one line of TeX (without the $$ markers); returns true when the closing $$ was on it. */
        boolean take(BasedSequence text) {
            String s = text.toString();
            int close = s.indexOf("$$");
            BasedSequence content = close >= 0 ? text.subSequence(0, close) : text;
            if (!lineOffsets.isEmpty()) {
                tex.append('\n');
            }
            lineOffsets.add(content.getStartOffset());
            tex.append(content.toString().stripTrailing());
            if (close >= 0) {
                label = labelSuffix(s.substring(close + 2));
                done = true;
            }
            return done;
        }

        @Override
        public Block getBlock() {
            return block;
        }

        @Override
        public BlockContinue tryContinue(ParserState state) {
            if (done) {
                return BlockContinue.none();
            }
            BasedSequence rest = state.getLine().subSequence(state.getIndex()).trimEOL();
            take(rest);
            return BlockContinue.atIndex(state.getLineEndIndex());
        }

        @Override
        public void closeBlock(ParserState state) {
            // strip leading blank lines, keeping offsets aligned with the TeX lines that remain
            String text = tex.toString();
            int skip = 0;
            while (skip < lineOffsets.size() - 1 && text.startsWith("\n")) {
                text = text.substring(1);
                skip++;
            }
            block.tex = text.stripTrailing();
            block.lineOffsets = lineOffsets.subList(skip, lineOffsets.size()).stream().mapToInt(Integer::intValue).toArray();
            block.closed = done;
            block.badLabel = "".equals(label);
            block.label = "".equals(label) ? null : label;
            block.setCharsFromContent();
        }

        static final class Factory implements CustomBlockParserFactory, NoDependencies {
            @Override
            public BlockParserFactory apply(DataHolder options) {
                return new AbstractBlockParserFactory(options) {
                    @Override
                    public BlockStart tryStart(ParserState state, MatchedBlockParser matched) {
                        if (state.getIndent() >= 4) {
                            return BlockStart.none();
                        }
                        BasedSequence line = state.getLine();
                        int start = state.getNextNonSpaceIndex();
                        if (!line.subSequence(start).startsWith("$$")) {
                            return BlockStart.none();
                        }
                        int column = state.getColumn() + (start - state.getIndex()) + 1;
                        MathBlockParser parser = new MathBlockParser(line.subSequence(start).trimEOL(),
                                state.getLineNumber() + 1, column);
                        BasedSequence rest = line.subSequence(start + 2).trimEOL();
                        if (!rest.isBlank()) {
                            parser.take(rest); // "$$ x $$" on one line; "$$" alone opens a multi-line block
                        }
                        return BlockStart.of(parser).atIndex(state.getLineEndIndex());
                    }
                };
            }

        }
    }

    /** {@code (label)=}: a one-line block naming what follows. */
    static final class TargetParser extends AbstractBlockParser {
        private final MystNodes.Target target;

        TargetParser(MystNodes.Target target) {
            this.target = target;
        }

        @Override
        public Block getBlock() {
            return target;
        }

        @Override
        public BlockContinue tryContinue(ParserState state) {
            return BlockContinue.none();
        }

        @Override
        public void closeBlock(ParserState state) {
        }

        static final class Factory implements CustomBlockParserFactory, NoDependencies {
            @Override
            public BlockParserFactory apply(DataHolder options) {
                return new AbstractBlockParserFactory(options) {
                    @Override
                    public BlockStart tryStart(ParserState state, MatchedBlockParser matched) {
                        if (state.getIndent() >= 4) {
                            return BlockStart.none();
                        }
                        int start = state.getNextNonSpaceIndex();
                        String s = state.getLine().subSequence(start).trimEnd().toString();
                        if (s.length() < 4 || s.charAt(0) != '(' || !s.endsWith(")=")
                                || s.substring(1, s.length() - 2).indexOf('(') >= 0
                                || s.substring(1, s.length() - 2).indexOf(')') >= 0) {
                            return BlockStart.none();
                        }
                        int column = state.getColumn() + (start - state.getIndex()) + 1;
                        MystNodes.Target target = new MystNodes.Target(state.getLine().subSequence(start).trimEOL(),
                                s.substring(1, s.length() - 2), state.getLineNumber() + 1, column);
                        return BlockStart.of(new TargetParser(target)).atIndex(state.getLineEndIndex());
                    }
                };
            }

        }
    }
}
