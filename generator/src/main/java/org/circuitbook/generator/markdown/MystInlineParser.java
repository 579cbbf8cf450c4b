package org.circuitbook.generator.markdown;

import java.util.ArrayList;
import java.util.List;
import com.vladsch.flexmark.parser.InlineParser;
import com.vladsch.flexmark.parser.InlineParserExtension;
import com.vladsch.flexmark.parser.InlineParserExtensionFactory;
import com.vladsch.flexmark.parser.LightInlineParser;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.sequence.BasedSequence;

/**
 * Inline MyST syntax: {@code $math$}, roles {@code {name}`content`}, narrative citations {@code @key}
 * and bracketed citations {@code [@a; @b, p. 3]}. Runs before Flexmark's own handling of these
 * characters; anything that does not match falls through to ordinary Markdown, so a lone dollar
 * sign or an e-mail address stays text.
 */
final class MystInlineParser implements InlineParserExtension {
    MystInlineParser(LightInlineParser parser) {
    }

    @Override
    public void finalizeDocument(InlineParser inlineParser) {
    }

    @Override
    public void finalizeBlock(InlineParser inlineParser) {
    }

    @Override
    public boolean parse(LightInlineParser parser) {
        BasedSequence input = parser.getInput();
        int i = parser.getIndex();
        return switch (input.charAt(i)) {
            case '$' -> math(parser, input, i);
            case '{' -> role(parser, input, i);
            case '@' -> narrativeCitation(parser, input, i);
            case '[' -> bracketCitation(parser, input, i);
            default -> false;
        };
    }

    private static boolean math(LightInlineParser parser, BasedSequence input, int i) {
        int n = input.length();
        boolean display = i + 1 < n && input.charAt(i + 1) == '$';
        int open = display ? 2 : 1;
        int start = i + open;
        if (start >= n || (!display && Character.isWhitespace(input.charAt(start)))) {
            return false;
        }
        for (int j = start; j < n; j++) {
            char c = input.charAt(j);
            if (c == '\\') {
                j++;
                continue;
            }
            if (c != '$') {
                continue;
            }
            if (display) {
                if (j + 1 < n && input.charAt(j + 1) == '$' && j > start) {
                    return emit(parser, input, i, j + 2, new MystNodes.InlineMath(input.subSequence(i, j + 2),
                            input.subSequence(start, j).toString(), input.subSequence(start, j).getStartOffset()));
                }
                continue;
            }
            // a closing $ is not preceded by a space and not followed by a digit ("$5 and $6" is money)
            boolean closes = !Character.isWhitespace(input.charAt(j - 1)) && (j + 1 >= n || !Character.isDigit(input.charAt(j + 1)));
            if (closes && j > start) {
                BasedSequence tex = input.subSequence(start, j);
                return emit(parser, input, i, j + 1,
                        new MystNodes.InlineMath(input.subSequence(i, j + 1), tex.toString(), tex.getStartOffset()));
            }
        }
        return false;
    }

    private static boolean role(LightInlineParser parser, BasedSequence input, int i) {
        int n = input.length();
        int close = i + 1;
        while (close < n && (Character.isLetterOrDigit(input.charAt(close)) || input.charAt(close) == ':'
                || input.charAt(close) == '-' || input.charAt(close) == '_')) {
            close++;
        }
        if (close == i + 1 || close + 1 >= n || input.charAt(close) != '}' || input.charAt(close + 1) != '`') {
            return false;
        }
        int ticks = 0;
        int p = close + 1;
        while (p < n && input.charAt(p) == '`') {
            ticks++;
            p++;
        }
        String fence = "`".repeat(ticks);
        int end = input.indexOf(fence, p);
        if (end < 0) {
            return false;
        }
        BasedSequence content = input.subSequence(p, end);
        return emit(parser, input, i, end + ticks, new MystNodes.Role(input.subSequence(i, end + ticks),
                input.subSequence(i + 1, close).toString(), content.toString(), content.getStartOffset()));
    }

    private static boolean narrativeCitation(LightInlineParser parser, BasedSequence input, int i) {
        if (i > 0) {
            char before = input.charAt(i - 1);
            if (Character.isLetterOrDigit(before) || before == '_' || before == '.' || before == '@') {
                return false; // an e-mail address or a handle, not a citation
            }
        }
        int end = keyEnd(input, i + 1);
        if (end == i + 1) {
            return false;
        }
        List<MystNodes.CiteItem> items = List.of(new MystNodes.CiteItem(input.subSequence(i + 1, end).toString(),
                null, input.subSequence(i, end).getStartOffset()));
        return emit(parser, input, i, end, new MystNodes.Citation(input.subSequence(i, end), items, true));
    }

    /** {@code [@a; @b, p. 3]}: only when everything inside is citations, and no link follows. */
    private static boolean bracketCitation(LightInlineParser parser, BasedSequence input, int i) {
        int close = input.indexOf(']', i);
        if (close < 0 || (close + 1 < input.length() && (input.charAt(close + 1) == '(' || input.charAt(close + 1) == '['))) {
            return false;
        }
        List<MystNodes.CiteItem> items = new ArrayList<>();
        int p = i + 1;
        while (true) {
            while (p < close && Character.isWhitespace(input.charAt(p))) { // a citation may wrap a source line
                p++;
            }
            if (p >= close || input.charAt(p) != '@') {
                return false;
            }
            int at = p;
            int end = keyEnd(input, p + 1);
            if (end == p + 1) {
                return false;
            }
            String key = input.subSequence(p + 1, end).toString();
            int semi = input.indexOf(';', end);
            int itemEnd = semi >= 0 && semi < close ? semi : close;
            String rest = input.subSequence(end, itemEnd).toString().strip();
            String locator = null;
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ',') {
                    return false;
                }
                locator = rest.substring(1).strip();
            }
            items.add(new MystNodes.CiteItem(key, locator == null || locator.isEmpty() ? null : locator,
                    input.subSequence(at, end).getStartOffset()));
            if (itemEnd == close) {
                break;
            }
            p = itemEnd + 1;
        }
        return emit(parser, input, i, close + 1, new MystNodes.Citation(input.subSequence(i, close + 1), items, false));
    }

    /** Citation keys: letters, digits and {@code _:.-/}, not ending in punctuation ("@key." ends a sentence). */
    private static int keyEnd(BasedSequence input, int from) {
        int end = from;
        if (end >= input.length() || !(Character.isLetter(input.charAt(end)) || input.charAt(end) == '_')) {
            return from;
        }
        while (end < input.length()) {
            char c = input.charAt(end);
            if (Character.isLetterOrDigit(c) || c == '_' || c == ':' || c == '.' || c == '-' || c == '/') {
                end++;
            } else {
                break;
            }
        }
        while (end > from && ":.-/".indexOf(input.charAt(end - 1)) >= 0) {
            end--;
        }
        return end;
    }

    private static boolean emit(LightInlineParser parser, BasedSequence input, int start, int end, Node node) {
        parser.flushTextNode();
        parser.getBlock().appendChild(node);
        parser.setIndex(end);
        return true;
    }

    static final class Factory implements InlineParserExtensionFactory, NoDependencies {
        @Override
        public CharSequence getCharacters() {
            return "${@[";
        }

        @Override
        public InlineParserExtension apply(LightInlineParser parser) {
            return new MystInlineParser(parser);
        }

    }
}
