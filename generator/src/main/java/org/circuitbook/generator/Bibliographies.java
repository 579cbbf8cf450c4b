package org.circuitbook.generator;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
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
        return load(content, null);
    }

    /**
     * As {@link #load(Content)}; the views {@link Citations#citedOnly} makes keep their answers in {@code cache}
     * (null: in memory only).
     */
    static Citations load(Content content, CitationCache cache) {
        if (content.bibliography().isEmpty()) {
            return Citations.NONE;
        }
        Problems problems = new Problems("load");
        Bibliography bib = Bibliography.parse(Content.BIBLIOGRAPHY, content.bibliography(),
                (BibProblem p) -> problems.add(Content.BIBLIOGRAPHY, p.line(), p.column(), p.message(), p.hint()));
        problems.throwIfAny();
        return new Apa(bib, new ConcurrentHashMap<>(), content.bibliography(), cache);
    }

    /**
     * The adapter from the markdown package's view of citations to the bibliography. Each answer is kept
     * ({@code memo}): the style's formatter is slow, and a book cites the same works, in the same groups, many times.
     * A view of the works a book cites keeps them in the {@link CitationCache}, if there is one, across builds.
     */
    private record Apa(Bibliography bib, Map<String, Object> memo, String text, CitationCache cache)
            implements Citations {

        @SuppressWarnings("unchecked")
        private <T> T kept(String key, Supplier<T> compute) {
            Object v = memo.get(key);
            if (v == null) {
                v = compute.get();
                memo.put(key, v);
            }
            return (T) v;
        }

        private static String key(String what, Collection<String> parts) {
            return what + "\u0000" + String.join("\u0000", parts);
        }

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
            return kept(key("p", items.stream().map(i -> i.key() + "\u0001" + i.locator()).toList()), () -> format(items));
        }

        private String format(List<MystNodes.CiteItem> items) {
            List<String> order = sorted(items.stream().map(MystNodes.CiteItem::key).distinct().toList());
            return bib.citation(items.stream()
                    .sorted(java.util.Comparator.comparingInt(i -> order.indexOf(i.key())))
                    .map(i -> new CiteItem(i.key(), i.locator())).toList());
        }

        @Override
        public String narrative(MystNodes.CiteItem item) {
            return kept(key("n", List.of(item.key(), String.valueOf(item.locator()))), () -> bib.narrative(item.key(), item.locator()));
        }

        @Override
        public String reference(String key) {
            return kept(key("r", List.of(key)), () -> bib.reference(key));
        }

        @Override
        public Citations citedOnly(Collection<String> cited) {
            return new Apa(bib.citedOnly(cited), cache == null ? new ConcurrentHashMap<>() : cache.answers(text, cited),
                    text, cache);
        }

        @Override
        public List<String> sorted(Collection<String> keys) {
            return kept(key("s", keys), () -> {
                List<String> formatted = bib.references(keys);
                // references(keys) returns entries in style order; map them back to their keys
                return keys.stream().sorted(java.util.Comparator.comparingInt(k -> formatted.indexOf(reference(k)))).toList();
            });
        }
    }
}
