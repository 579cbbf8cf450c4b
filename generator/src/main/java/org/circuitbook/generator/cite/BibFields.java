package org.circuitbook.generator.cite;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds where each field's braced or quoted text lies in an object that jbibtex has parsed: jbibtex
 * keeps no positions, and a problem inside a value (an unknown LaTeX command) is reported where it is.
 */
final class BibFields {
    private BibFields() {
    }

    /** One piece of a field's value: its field, and its text (inside braces or quotes) and offset. */
    record Piece(String field, String text, int offset) {
    }

    /**
     * The pieces (braced, quoted or bare) of every field of {@code object} ({@code @type{key, name = {...} # "...", ...}} or
     * {@code @string{name = {...}}}), offsets relative to its start; stops quietly at anything else.
     */
    static List<Piece> pieces(String object, boolean hasKey) {
        List<Piece> out = new ArrayList<>();
        int n = object.length();
        int i = object.indexOf('{') + 1;
        if (i == 0) {
            return out;
        }
        if (hasKey) {
            while (i < n && object.charAt(i) != ',' && object.charAt(i) != '}') {
                i++;
            }
        }
        while (i < n) {
            while (i < n && (Character.isWhitespace(object.charAt(i)) || object.charAt(i) == ',')) {
                i++;
            }
            int nameStart = i;
            while (i < n && "=,{}\"#".indexOf(object.charAt(i)) < 0 && !Character.isWhitespace(object.charAt(i))) {
                i++;
            }
            String field = object.substring(nameStart, i);
            i = skipSpace(object, i);
            if (field.isEmpty() || i >= n || object.charAt(i) != '=') {
                return out;
            }
            i = skipSpace(object, i + 1);
            while (i < n) { // value pieces joined by '#'
                char c = object.charAt(i);
                if (c == '{' || c == '"') {
                    int end = close(object, i);
                    out.add(new Piece(field, object.substring(i + 1, end), i + 1));
                    i = Math.min(n, end + 1);
                } else {
                    int start = i;
                    while (i < n && ",#}".indexOf(object.charAt(i)) < 0 && !Character.isWhitespace(object.charAt(i))) {
                        i++; // a number or a @string name
                    }
                    out.add(new Piece(field, object.substring(start, i), start));
                }
                i = skipSpace(object, i);
                if (i >= n || object.charAt(i) != '#') {
                    break;
                }
                i = skipSpace(object, i + 1);
            }
        }
        return out;
    }

    /** The offset of the delimiter closing the value that opens at {@code open} (the scanner's rules). */
    private static int close(String s, int open) {
        boolean quoted = s.charAt(open) == '"';
        int depth = 0;
        for (int k = open + 1; k < s.length(); k++) {
            char c = s.charAt(k);
            if (c == '\\') {
                k++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0) {
                    return k;
                }
                depth--;
            } else if (c == '"' && quoted && depth == 0) {
                return k;
            }
        }
        return s.length();
    }

    private static int skipSpace(String s, int k) {
        while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        return k;
    }
}
