package org.circuitbook.generator.cite;

import de.undercouch.citeproc.csl.CSLLabel;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pin-point locator split into a CSL label and value: "pp. 3-5" becomes (page, "3-5"), so the
 * style prints its own label ("pp. 3–5"). A label the map does not know gives {@code label == null}:
 * the caller then prints the author's text verbatim.
 */
record Locator(CSLLabel label, String value) {

    private static final Pattern LABELLED = Pattern.compile("^([\\p{L}§¶]+\\.?|§§?|¶¶?)\\s*(.+)$");
    private static final Map<String, String> LABELS = new HashMap<>();

    static {
        put("page", "p", "pp", "pg", "pgs", "page", "pages");
        put("section", "sec", "secs", "sect", "section", "sections", "§", "§§");
        put("chapter", "ch", "chs", "chap", "chaps", "chapter", "chapters");
        put("figure", "fig", "figs", "figure", "figures");
        put("paragraph", "para", "paras", "paragraph", "paragraphs", "¶", "¶¶");
        put("line", "l", "ll", "line", "lines");
        put("note", "n", "nn", "note", "notes");
        put("volume", "vol", "vols", "volume", "volumes");
        put("column", "col", "cols", "column", "columns");
        put("part", "pt", "pts", "part", "parts");
        put("book", "bk", "bks", "book", "books");
        put("issue", "no", "iss", "issue", "issues");
        put("verse", "v", "vv", "verse", "verses");
    }

    private static void put(String label, String... spellings) {
        for (String s : spellings) {
            LABELS.put(s, label);
        }
    }

    static Locator parse(String text) {
        String t = text.trim();
        if (!t.isEmpty() && Character.isDigit(t.charAt(0))) {
            return new Locator(CSLLabel.PAGE, t); // a bare number is a page, as in Pandoc
        }
        Matcher m = LABELLED.matcher(t);
        if (m.matches()) {
            String word = m.group(1).toLowerCase(Locale.ROOT);
            String label = LABELS.get(word.endsWith(".") ? word.substring(0, word.length() - 1) : word);
            if (label != null) {
                return new Locator(CSLLabel.fromString(label), m.group(2).trim());
            }
        }
        return new Locator(null, t);
    }
}
