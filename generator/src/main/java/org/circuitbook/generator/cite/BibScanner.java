package org.circuitbook.generator.cite;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Splits a {@code .bib} file into one chunk per {@code @type{...}} object, remembering where each
 * starts. jbibtex neither records entry positions nor recovers well (its {@code parseFully}
 * throws away the whole database when the last entry is broken, and it rejects text between
 * entries that BibTeX ignores), so each chunk is parsed on its own and errors stay local.
 */
final class BibScanner {

    /**
     * How deep braces may nest in one object. jbibtex's parsers recurse once per brace (10,000 overflow
     * the stack) and citeproc-java's converter slows down with depth; real files nest two or three deep.
     */
    static final int MAX_BRACE_DEPTH = 100;

    /**
     * One object: its text, where it starts, its key (null for @string/@preamble), and the offset
     * of the brace that nests deeper than {@link #MAX_BRACE_DEPTH} (-1 if none).
     */
    record Chunk(String text, int offset, String type, String key, int keyOffset, boolean closed,
                 int nextEntryOffset, char close, int tooDeepAt) {
    }

    private int tooDeepAt;

    private final String src;
    private final int[] lineStarts;

    BibScanner(String src) {
        this.src = src;
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, n);
    }

    int length() {
        return src.length();
    }

    int line(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }

    int column(int offset) {
        return offset - lineStarts[line(offset) - 1] + 1;
    }

    /** Problems found while splitting (a stray '@' without a delimiter) go to {@code problems}. */
    List<Chunk> scan(java.util.function.Consumer<BibProblem> problems) {
        List<Chunk> chunks = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (c == '%') { // a line comment outside entries, as in jbibtex and biber
                while (i < n && src.charAt(i) != '\n') {
                    i++;
                }
                continue;
            }
            if (c != '@') { // BibTeX ignores any other text between entries
                i++;
                continue;
            }
            int start = i;
            int j = skipSpace(i + 1);
            int nameStart = j;
            while (j < n && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) {
                j++;
            }
            String type = src.substring(nameStart, j).toLowerCase(Locale.ROOT);
            j = skipSpace(j);
            if (type.isEmpty() || j >= n || (src.charAt(j) != '{' && src.charAt(j) != '(')) {
                if (!type.equals("comment")) {
                    problems.accept(new BibProblem(line(start), column(start),
                            type.isEmpty() ? "Expected an entry type after '@'"
                                    : "Expected '{' after '@" + type + "'",
                            "Entries look like @article{key, title = {...}, ...}."));
                }
                i = Math.max(j, start + 1);
                continue;
            }
            char close = src.charAt(j) == '{' ? '}' : ')';
            int keyOffset = -1;
            String key = null;
            if (!type.equals("string") && !type.equals("preamble") && !type.equals("comment")) {
                keyOffset = skipSpace(j + 1);
                int k = keyOffset;
                while (k < n && ",}) \t\r\n".indexOf(src.charAt(k)) < 0) {
                    k++;
                }
                key = src.substring(keyOffset, k);
            }
            tooDeepAt = -1;
            int end = findEnd(j + 1, close);
            boolean closed = end < n && src.charAt(end) == close;
            if (!type.equals("comment")) {
                String text = src.substring(start, closed ? end + 1 : end);
                if (closed && close == ')') { // jbibtex lexes "misc(key" as one name; same length keeps columns
                    text = text.substring(0, j - start) + '{' + text.substring(j - start + 1, text.length() - 1) + '}';
                }
                chunks.add(new Chunk(text, start, type, key, keyOffset, closed, closed ? -1 : end, close, tooDeepAt));
            }
            i = closed ? end + 1 : end;
        }
        return chunks;
    }

    /**
     * Returns the offset of the closing delimiter, or, if the object is not closed, the offset
     * of the next line that starts a new entry (or the end of input). The new-entry heuristic is
     * what lets one missing brace cost one entry instead of the rest of the file.
     */
    private int findEnd(int from, char close) {
        int depth = 0;
        boolean inQuote = false;
        int n = src.length();
        for (int k = from; k < n; k++) {
            char c = src.charAt(k);
            if (c == '\\') { // jbibtex does not count an escaped brace
                k++;
            } else if (c == '{') {
                depth++;
                if (depth > MAX_BRACE_DEPTH && tooDeepAt < 0) {
                    tooDeepAt = k;
                }
            } else if (c == '}') {
                if (depth == 0 && close == '}') {
                    return k;
                }
                depth = Math.max(0, depth - 1);
            } else if (c == '"' && depth == 0) {
                inQuote = !inQuote;
            } else if (c == ')' && close == ')' && depth == 0 && !inQuote) {
                return k;
            } else if (c == '\n' && startsEntry(k + 1)) {
                return k + 1;
            }
        }
        return n;
    }

    private boolean startsEntry(int k) {
        int n = src.length();
        while (k < n && (src.charAt(k) == ' ' || src.charAt(k) == '\t')) {
            k++;
        }
        if (k >= n || src.charAt(k) != '@') {
            return false;
        }
        int j = k + 1;
        while (j < n && Character.isLetter(src.charAt(j))) {
            j++;
        }
        j = skipSpace(j);
        return j > k + 1 && j < n && (src.charAt(j) == '{' || src.charAt(j) == '(');
    }

    private int skipSpace(int k) {
        while (k < src.length() && Character.isWhitespace(src.charAt(k))) {
            k++;
        }
        return k;
    }
}
