package org.circuitbook.generator;

import org.circuitbook.generator.content.Content;
import org.circuitbook.generator.markdown.Citations;

/** Placeholder until the BibTeX/CSL formatter lands. */
final class Bibliographies {
    private Bibliographies() {
    }

    static Citations load(Content content) {
        return Citations.NONE;
    }
}
