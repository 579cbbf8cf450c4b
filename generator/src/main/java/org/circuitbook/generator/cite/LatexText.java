package org.circuitbook.generator.cite;

import java.text.Normalizer;
import java.util.Map;

/**
 * Decodes the LaTeX of a BibTeX field value to Unicode text: accents ({@code \H{o}}, {@code \"o},
 * {@code \c{c}}, {@code \'{\i}}), special letters ({@code \ss}, {@code \o}, {@code \aa}), escapes
 * ({@code \&}, {@code \%}), dashes, quotes and ties. jbibtex's own LaTeX printer knows too few of
 * these (it drops {@code \H}, {@code \c} and {@code \v} with their letter) and recurses once per
 * brace, so every field goes through here first.
 *
 * <p>In names mode the braces of a group are kept (they hold a name together: {@code {Barack Obama}}),
 * except around a special character such as {@code {\"o}}, which BibTeX treats as the letter itself.
 * A command this class does not know is reported and dropped; its braced argument, if any, is kept.
 */
final class LatexText {

    /** Receives a problem at an offset into the decoded value. */
    interface Problems {
        void at(int offset, String message, String hint);

        Problems NONE = (offset, message, hint) -> { };
    }

    /** Deeper groups than the scanner lets through are not decoded (and cannot come from a .bib file). */
    static final int MAX_DEPTH = BibScanner.MAX_BRACE_DEPTH + 1;

    private final String src;
    private final boolean names;
    private final Problems problems;
    private final StringBuilder out = new StringBuilder();
    private int pos;
    private boolean math;

    private LatexText(String src, boolean names, Problems problems) {
        this.src = src;
        this.names = names;
        this.problems = problems;
    }

    /** The value as plain text: no braces, LaTeX decoded, ties as non-breaking spaces. */
    static String text(String value, Problems problems) {
        LatexText t = new LatexText(value, false, problems);
        t.run(0);
        return Normalizer.normalize(t.out, Normalizer.Form.NFC);
    }

    /** A name list for {@link BibNames}: LaTeX decoded, groups kept in braces, ties as spaces. */
    static String names(String value, Problems problems) {
        LatexText t = new LatexText(value, true, problems);
        t.run(0);
        return Normalizer.normalize(t.out, Normalizer.Form.NFC);
    }

    /** Decodes up to the '}' that closes the current group (or the end); returns past it. */
    private void run(int depth) {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            switch (c) {
                case '\\' -> command(depth);
                case '{' -> group(depth);
                case '}' -> {
                    if (depth > 0) {
                        pos++;
                        return;
                    }
                    pos++; // an unbalanced '}' cannot come from jbibtex; ignore it
                }
                case '$' -> {
                    math = !math;
                    pos++;
                }
                case '~' -> {
                    out.append(names ? ' ' : '\u00a0');
                    pos++;
                }
                case '-' -> dashes();
                case '`' -> quote('`', "\u2018", "\u201c");
                case '\'' -> quote('\'', "\u2019", "\u201d"); // as LaTeX prints an apostrophe
                default -> {
                    out.append(c);
                    pos++;
                }
            }
        }
    }

    private void group(int depth) {
        int open = pos++;
        if (depth + 1 >= MAX_DEPTH) { // never from a scanned file; keeps the recursion bounded
            problems.at(open, "Braces nested too deep", null);
            skipGroup(open);
            return;
        }
        // {\"o} is one letter to BibTeX; a name keeps any other group together in braces
        boolean special = pos < src.length() && src.charAt(pos) == '\\';
        boolean keep = names && !special;
        if (keep) {
            out.append('{');
        }
        run(depth + 1);
        if (keep) {
            out.append('}');
        }
    }

    private void dashes() {
        int n = 0;
        while (pos < src.length() && src.charAt(pos) == '-' && n < 3) {
            pos++;
            n++;
        }
        out.append(names || math ? "-".repeat(n) : n == 3 ? "\u2014" : n == 2 ? "\u2013" : "-");
    }

    private void quote(char c, String single, String dbl) {
        pos++;
        if (names || math) {
            out.append(c);
        } else if (pos < src.length() && src.charAt(pos) == c) {
            pos++;
            out.append(dbl);
        } else {
            out.append(single);
        }
    }

    private void command(int depth) {
        int start = pos++;
        if (pos >= src.length()) {
            problems.at(start, "A lone '\\' ends the value", "Write \\textbackslash{} for a backslash.");
            return;
        }
        char c = src.charAt(pos);
        if (!isLetter(c)) { // a control symbol: \& \' \" \{ ...
            pos++;
            String accent = ACCENTS.get(String.valueOf(c));
            if (accent != null) {
                accent(start, "\\" + c, accent, depth);
            } else if ("&%$#_{}".indexOf(c) >= 0) {
                out.append(c);
            } else if (c == '\\' || c == ' ' || c == '\n' || c == '\t' || c == ';' || c == ':' || c == '>') {
                out.append(' ');
            } else if (c == ',') {
                out.append('\u202f'); // a thin space, which does not break either
            } else if (c == '/' || c == '-' || c == '@' || c == '!') {
                return; // italic correction, hyphenation hint, spacing: nothing to print
            } else {
                unknown(start, "\\" + c);
            }
            return;
        }
        int nameEnd = pos;
        while (nameEnd < src.length() && isLetter(src.charAt(nameEnd))) {
            nameEnd++;
        }
        String name = src.substring(pos, nameEnd);
        pos = nameEnd;
        if (!math) { // TeX eats the spaces after a control word; in math, where it ignores them all, keep them
            skipSpaces();
        }
        String accent = ACCENTS.get(name);
        if (accent != null) {
            accent(start, "\\" + name, accent, depth);
            return;
        }
        String symbol = SYMBOLS.get(name);
        if (symbol != null) {
            out.append(symbol);
            skipEmptyGroup();
            return;
        }
        switch (Kind.of(name)) {
            case FORMAT -> { } // the argument that follows is decoded as a group
            case DROP_ARGUMENT -> skipArgument();
            case RAW_ARGUMENT -> rawArgument();
            case SECOND_ARGUMENT -> {
                skipArgument();
                skipSpaces();
            }
            case UNKNOWN -> unknown(start, "\\" + name);
        }
    }

    private void unknown(int at, String command) {
        problems.at(at, "Unknown LaTeX command '" + command + "'",
                "Write the characters themselves (UTF-8, e.g. ő rather than \\H{o}) or remove the command.");
    }

    /** Reads the letter an accent goes on and puts the combining mark after its first character. */
    private void accent(int at, String command, String mark, int depth) {
        skipSpaces();
        String base = argument(depth);
        if (base == null || base.isBlank()) {
            if (base != null && (command.equals("\\~") || command.equals("\\^"))) {
                out.append(command.charAt(1)); // \~{} and \^{} print the bare character
                return;
            }
            problems.at(at, "Accent '" + command + "' has no letter to go on",
                    "Write the letter in braces after it, e.g. " + command + "{o}, or the accented letter itself.");
            return;
        }
        int first = base.offsetByCodePoints(0, 1);
        // a dotless i or j under an accent is how LaTeX writes an accented i or j
        String letter = base.substring(0, first).replace('\u0131', 'i').replace('\u0237', 'j');
        out.append(Normalizer.normalize(letter + mark + base.substring(first), Normalizer.Form.NFC));
    }

    /** One macro argument, decoded: a group's text, a command's letter or one character; null at the end. */
    private String argument(int depth) {
        if (pos >= src.length() || src.charAt(pos) == '}') {
            return null;
        }
        LatexText sub = new LatexText(src, false, problems);
        sub.pos = pos;
        sub.math = math;
        char c = src.charAt(pos);
        if (c == '{') {
            sub.pos++;
            if (depth + 1 >= MAX_DEPTH) {
                skipGroup(pos);
                return "";
            }
            sub.run(depth + 1);
        } else if (c == '\\') {
            sub.command(depth);
        } else {
            sub.pos += Character.charCount(src.codePointAt(pos));
            sub.out.appendCodePoint(src.codePointAt(pos));
        }
        pos = sub.pos;
        return sub.out.toString();
    }

    private void skipArgument() {
        skipSpaces();
        if (pos < src.length() && src.charAt(pos) == '{') {
            skipGroup(pos);
        }
    }

    /** A URL command (url, path): its argument is printed as written. */
    private void rawArgument() {
        skipSpaces();
        if (pos >= src.length() || src.charAt(pos) != '{') {
            return;
        }
        int from = pos + 1;
        skipGroup(pos);
        out.append(src, from, Math.max(from, pos - 1));
    }

    /** Moves past the group opening at {@code open}, escapes included. */
    private void skipGroup(int open) {
        int depth = 0;
        for (pos = open; pos < src.length(); pos++) {
            char c = src.charAt(pos);
            if (c == '\\') {
                pos++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                pos++;
                return;
            }
        }
    }

    private void skipEmptyGroup() {
        if (src.startsWith("{}", pos)) {
            pos += 2;
        }
    }

    private void skipSpaces() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Combining marks: the accent commands of LaTeX's OT1/T1 encodings. */
    private static final Map<String, String> ACCENTS = Map.ofEntries(
            Map.entry("'", "\u0301"), Map.entry("`", "\u0300"), Map.entry("^", "\u0302"), Map.entry("\"", "\u0308"),
            Map.entry("~", "\u0303"), Map.entry("=", "\u0304"), Map.entry(".", "\u0307"), Map.entry("H", "\u030b"),
            Map.entry("c", "\u0327"), Map.entry("v", "\u030c"), Map.entry("u", "\u0306"), Map.entry("k", "\u0328"),
            Map.entry("r", "\u030a"), Map.entry("d", "\u0323"), Map.entry("b", "\u0331"), Map.entry("t", "\u0361"));

    private static final Map<String, String> SYMBOLS = LatexSymbols.TABLE;

    private enum Kind {
        FORMAT, DROP_ARGUMENT, RAW_ARGUMENT, SECOND_ARGUMENT, UNKNOWN;

        static Kind of(String name) {
            if (LatexSymbols.FORMATS.contains(name)) {
                return FORMAT;
            }
            return switch (name) {
                case "noopsort", "SortNoop", "sortnoop", "NOOPSORT", "nocite" -> DROP_ARGUMENT;
                case "url", "path", "nolinkurl" -> RAW_ARGUMENT;
                case "href" -> SECOND_ARGUMENT;
                default -> UNKNOWN;
            };
        }
    }
}
