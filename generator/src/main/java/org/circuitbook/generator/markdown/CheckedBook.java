package org.circuitbook.generator.markdown;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import com.vladsch.flexmark.util.ast.Node;

/**
 * What the check stage established, for the render stage: the index of labels and numbers, every
 * formula already typeset, and the content files (images, downloads) pages refer to, with the bytes the check
 * read from each (the bytes the site publishes); every {@code {metric}}
 * role parsed, and, once the models are trained, its value as the prose shows it; and the citation
 * keys the book cites (as written), which alone take part in year suffixes; and each diagram figure's SVG as
 * the page shows it ({@link Diagrams}); every {@code {claim}} role parsed and, once checked against the trained
 * models, what each of its metrics was ({@link Claim}).
 */
public record CheckedBook(List<ParsedChapter> chapters, BookIndex index, Map<Node, String> math, Map<String, byte[]> assets,
                          Map<Node, MetricQuery> metrics, Map<Node, String> metricValues, Set<String> cited,
                          Map<Node, String> diagrams, Map<Node, Claim> claims, Map<Node, String> claimResults) {
    static CheckedBook empty(List<ParsedChapter> chapters, BookIndex index) {
        return new CheckedBook(chapters, index, new IdentityHashMap<>(), new TreeMap<>(), new IdentityHashMap<>(),
                new IdentityHashMap<>(), new TreeSet<>(), new IdentityHashMap<>(),
                new IdentityHashMap<>(), new IdentityHashMap<>());
    }
}
