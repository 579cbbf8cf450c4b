package org.circuitbook.generator.cite;

import java.util.Objects;

/**
 * One cited work inside an in-text citation.
 *
 * @param key     the BibTeX key (matched case-insensitively, as BibTeX does)
 * @param locator optional pin-point such as {@code "p. 3"}, {@code "pp. 3-5"}, {@code "sec. 2"},
 *                {@code "ch. 4"}, {@code "fig. 1"}; a bare number means a page; {@code null} for none
 */
public record CiteItem(String key, String locator) {
    public CiteItem {
        Objects.requireNonNull(key, "key");
        if (locator != null && locator.isBlank()) {
            locator = null;
        }
    }

    public static CiteItem of(String key) {
        return new CiteItem(key, null);
    }
}
