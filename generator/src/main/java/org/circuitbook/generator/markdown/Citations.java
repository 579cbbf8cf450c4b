package org.circuitbook.generator.markdown;

import java.util.Collection;
import java.util.List;

/** The bibliography as the renderer needs it: which keys exist and how citations and entries read. */
public interface Citations {
    boolean has(String key);

    /** All keys, for "did you mean" hints. */
    Collection<String> keys();

    /** "(Elhage et al., 2022; Olah et al., 2020, p. 3)" as HTML. */
    String parenthetical(List<MystNodes.CiteItem> items);

    /** "Elhage et al. (2022)" as HTML. */
    String narrative(MystNodes.CiteItem item);

    /** The full reference entry as HTML. */
    String reference(String key);

    /** {@code keys} in the order the References section lists them. */
    List<String> sorted(Collection<String> keys);

    /**
     * These citations as a book citing exactly {@code cited} renders them: year suffixes ("2022a")
     * tell apart only cited works. The render stage formats through this, with the keys the check
     * stage found ({@link CheckedBook#cited()}).
     */
    default Citations citedOnly(Collection<String> cited) {
        return this;
    }

    /** No bibliography: every key is unknown. */
    Citations NONE = new Citations() {
        @Override
        public boolean has(String key) {
            return false;
        }

        @Override
        public Collection<String> keys() {
            return List.of();
        }

        @Override
        public String parenthetical(List<MystNodes.CiteItem> items) {
            throw new IllegalStateException("no bibliography");
        }

        @Override
        public String narrative(MystNodes.CiteItem item) {
            throw new IllegalStateException("no bibliography");
        }

        @Override
        public String reference(String key) {
            throw new IllegalStateException("no bibliography");
        }

        @Override
        public List<String> sorted(Collection<String> keys) {
            return List.copyOf(keys);
        }
    };
}
