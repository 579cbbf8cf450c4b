package org.circuitbook.generator.markdown;

import java.util.Locale;
import java.util.Set;
import com.vladsch.flexmark.util.sequence.Html5Entities;

/**
 * Which URLs a chapter may put in an {@code href} or a {@code src}: relative ones, and absolute ones whose
 * scheme is on an allow-list ({@code http}, {@code https} and {@code mailto}, for links only). Everything else, above
 * all {@code javascript:}, {@code vbscript:} and {@code data:}, is refused by the check stage and neutralised
 * again by the renderer. No {@code data:} URL is allowed, not even for an image: an image is a file in
 * {@code content/}, published only after the file checks, and a {@code data:} document can carry HTML or SVG
 * whose scripts run when a reader opens it in a tab.
 *
 * <p>The scheme is read as a browser reads it, but more suspiciously: character references are decoded (also
 * without their semicolon, as browsers do in attributes), then every ASCII control character and space is
 * removed wherever it is (browsers remove tabs and newlines anywhere and strip the rest at the ends), then the
 * scheme is lower-cased. So {@code JaVaScRiPt:}, {@code &#106;avascript:} and {@code java&#9;script:} are all
 * {@code javascript:}. A URL with no scheme before its first {@code /}, {@code ?} or {@code #} is relative.
 */
public final class UrlPolicy {
    /** Where a URL is used: what may follow {@code <a href=} or {@code <img src=}. */
    public enum Use {
        LINK(Set.of("http", "https", "mailto"), "links may be http(s), mailto or relative"),
        // no scheme at all: the pages' CSP (img-src 'self') would block another host's image, and offline
        // readers could not load it
        IMAGE(Set.of(), "images are files in content/, e.g. images/plot.png: pages load nothing from other hosts");

        final Set<String> schemes;
        final String hint;

        Use(Set<String> schemes, String hint) {
            this.schemes = schemes;
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }

    private UrlPolicy() {
    }

    /** True when {@code url} (as the HTML attribute's value, before character references are decoded) may be used. */
    public static boolean allowed(String url, Use use) {
        String scheme = scheme(url);
        if (use == Use.IMAGE && withoutControls(decodeReferences(url)).replace('\\', '/').startsWith("//")) {
            return false; // //host/x.png: another host, whatever the scheme
        }
        return scheme == null || use.schemes.contains(scheme);
    }

    /** The URL's scheme, lower-cased, as the most suspicious browser would read it; null for a relative URL. */
    static String scheme(String url) {
        String clean = withoutControls(decodeReferences(url));
        int i = 0;
        while (i < clean.length() && isSchemeChar(clean.charAt(i), i == 0)) {
            i++;
        }
        if (i == 0 || i >= clean.length() || clean.charAt(i) != ':') {
            return null;
        }
        return clean.substring(0, i).toLowerCase(Locale.ROOT);
    }

    private static boolean isSchemeChar(char c, boolean first) {
        boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
        return first ? letter : letter || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.';
    }

    private static String withoutControls(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > ' ' && c != 0x7f) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * Decodes {@code &#106;}, {@code &#x6A;} (with or without the semicolon) and named references such as
     * {@code &colon;}. Named references without a semicolon are left alone: the legacy names a browser decodes
     * that way all stand for characters that cannot appear in a scheme, so they cannot change its verdict.
     */
    static String decodeReferences(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '&') {
                sb.append(c);
                i++;
                continue;
            }
            int end = numericEnd(s, i);
            if (end > 0) {
                boolean hex = s.charAt(i + 2) == 'x' || s.charAt(i + 2) == 'X';
                int digitsStart = i + (hex ? 3 : 2);
                long value = 0;
                for (int k = digitsStart; k < end && value <= 0x10FFFF; k++) {
                    value = value * (hex ? 16 : 10) + Character.digit(s.charAt(k), hex ? 16 : 10);
                }
                sb.appendCodePoint(value > 0x10FFFF || value >= 0xD800 && value <= 0xDFFF ? 0xFFFD : (int) value);
                i = end < s.length() && s.charAt(end) == ';' ? end + 1 : end;
                continue;
            }
            int semi = namedEnd(s, i);
            String decoded = semi > 0 ? Html5Entities.entityToString(s.substring(i, semi + 1)) : null;
            if (decoded != null && !decoded.equals(s.substring(i, semi + 1))) {
                sb.append(decoded);
                i = semi + 1;
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** The index after the digits of a numeric reference starting at {@code amp}, or -1. */
    private static int numericEnd(String s, int amp) {
        if (amp + 2 >= s.length() || s.charAt(amp + 1) != '#') {
            return -1;
        }
        boolean hex = s.charAt(amp + 2) == 'x' || s.charAt(amp + 2) == 'X';
        int k = amp + (hex ? 3 : 2);
        int start = k;
        while (k < s.length() && Character.digit(s.charAt(k), hex ? 16 : 10) >= 0 && s.charAt(k) < 0x80) {
            k++;
        }
        return k > start ? k : -1;
    }

    /** The index of the semicolon ending a named reference starting at {@code amp}, or -1. */
    private static int namedEnd(String s, int amp) {
        int k = amp + 1;
        while (k < s.length() && k - amp <= 32 && Character.isLetterOrDigit(s.charAt(k)) && s.charAt(k) < 0x80) {
            k++;
        }
        return k > amp + 1 && k < s.length() && s.charAt(k) == ';' ? k : -1;
    }

    /** {@code url} as a diagnostic quotes it: control characters spelt out, and at most 80 characters. */
    public static String shown(String url) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < url.length(); i++) {
            if (sb.length() >= 80) {
                return sb + "...";
            }
            char c = url.charAt(i);
            switch (c) {
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '"' -> sb.append("\\\"");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
