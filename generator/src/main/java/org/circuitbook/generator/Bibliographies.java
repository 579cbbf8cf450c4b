package org.circuitbook.generator;

import java.util.Collection;
import java.util.List;
import org.circuitbook.generator.cite.BibProblem;
import org.circuitbook.generator.cite.Bibliography;
import org.circuitbook.generator.cite.CiteItem;
import org.circuitbook.generator.content.Content;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.markdown.Citations;
import org.circuitbook.generator.markdown.MystNodes;

/** Reads {@code content/references.bib} and offers it to the check and render stages in APA style. */
final class Bibliographies {
    private Bibliographies() {
    }

    /** The book's bibliography; problems in the .bib file fail the load stage with their positions. */
    static Citations load(Content content) {
        if (content.bibliography().isEmpty()) {
            return Citations.NONE;
        }
        Problems problems = new Problems("load");
        Bibliography bib = Bibliography.parse(Content.BIBLIOGRAPHY, content.bibliography(),
                (BibProblem p) -> problems.add(Content.BIBLIOGRAPHY, p.line(), p.column(), p.message(), p.hint()));
        problems.throwIfAny();
        return new Apa(bib);
    }

    /** The adapter from the markdown package's view of citations to the bibliography. */
    private record Apa(Bibliography bib) implements Citations {
        @Override
        public boolean has(String key) {
            return bib.has(key);
        }

        @Override
        public Collection<String> keys() {
            return bib.keys();
        }

        /** APA lists the works in one citation in reference-list order: by author, then year. */
        @Override
        public String parenthetical(List<MystNodes.CiteItem> items) {
            List<String> order = sorted(items.stream().map(MystNodes.CiteItem::key).distinct().toList());
            return bib.citation(items.stream()
                    .sorted(java.util.Comparator.comparingInt(i -> order.indexOf(i.key())))
                    .map(i -> new CiteItem(i.key(), i.locator())).toList());
        }

        @Override
        public String narrative(MystNodes.CiteItem item) {
            return bib.narrative(item.key(), item.locator());
        }

        @Override
        public String reference(String key) {
            return bib.reference(key);
        }

        @Override
        public Citations citedOnly(Collection<String> cited) {
            return new Apa(bib.citedOnly(cited));
        }

        @Override
        public List<String> sorted(Collection<String> keys) {
            List<String> formatted = bib.references(keys);
            // references(keys) returns entries in style order; map them back to their keys
            return keys.stream().sorted(java.util.Comparator.comparingInt(k -> formatted.indexOf(bib.reference(k)))).toList();
        }
    }
}
