package org.circuitbook.generator.cite;

import de.undercouch.citeproc.csl.internal.helper.NumberParser;
import java.util.Map;

/**
 * Which pages, volume, number, issue, edition and chapter values citeproc-java can print. It reads them with its own
 * number grammar, which throws on some plausible typos ({@code pages = {1, 2 and}} is a NullPointerException while
 * the reference is formatted), so those are reported at the value and left out of the reference.
 */
final class BibNumbers {
    private BibNumbers() {
    }

    /** The BibTeX fields citeproc-java reads as numbers, and what the message calls each. */
    private static final Map<String, String> FIELDS = Map.of("pages", "page numbers", "volume", "a volume",
            "number", "a number", "issue", "an issue", "edition", "an edition", "chapter", "a chapter");

    static final String HINT = "Write a number, a range such as {12--19}, or numbers joined by ',' or '&'; "
            + "this field is left out of the reference.";

    /** A problem with {@code value} of {@code field} as {message, hint}, or null if citeproc-java can print it. */
    static String[] problem(String field, String value) {
        String what = FIELDS.get(field);
        return what == null || readable(CslItems.text(value)) ? null
                : new String[] {"has " + field + " '" + value + "', which cannot be read as " + what, HINT};
    }

    static boolean valid(String field, String value) {
        return problem(field, value) == null;
    }

    /** Whether citeproc-java's number grammar reads {@code text} without throwing (null and blank are fine). */
    static boolean readable(String text) {
        if (text == null || text.isBlank()) {
            return true;
        }
        try {
            NumberParser.parse(text);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
