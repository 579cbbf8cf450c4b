package org.circuitbook.generator.markdown;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import com.vladsch.flexmark.util.ast.Node;

/**
 * Each chapter's rendered page from the last build, kept for the dev server's next one while nothing it read has
 * changed, so that a save re-renders the chapters it touches rather than the whole book. A page is reused only
 * when all of these hold, so that the site is always exactly a fresh build's:
 * <ul>
 * <li>the build's globals are equal ({@link #begin}: the site's settings, the bibliography, the set of works the
 * book cites (year suffixes), the trained models and the widgets; any change re-renders every page);</li>
 * <li>the chapter's parsed tree is the same object (the session re-parses a chapter whose text changed);</li>
 * <li>every value the check stage gave one of its own nodes is equal: its id and number, typeset formula,
 * diagram, metric and claim (a renumbering, a changed SVG file, a new model's metric);</li>
 * <li>every lookup it made of the rest of the book, recorded by {@link BookIndex#recordReads} while it rendered
 * (a label, a term, a page, an anchor, a chapter number), reads the same ({@link RenderContext#reading}: for a
 * label, the target, the text a reference shows and the hover card's preview, so an edited caption in another
 * chapter re-renders the pages that preview it).</li>
 * </ul>
 * A session's first build (so every {@code build} command) finds nothing kept and renders every page.
 *
 * @param <T> what rendering one chapter produces
 */
public final class PageCache<T> {
    private record Kept<T>(ParsedChapter parsed, List<Object> own, Map<String, String> readings, T rendered) {
    }

    /** Compared by identity: the same object, not an equal one. */
    private record Same(Object o) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Same s && s.o == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(o);
        }
    }

    private final Map<String, Kept<T>> kept = new ConcurrentHashMap<>();
    private List<Object> globals;
    private CheckedBook book;
    /** This build's reading of each lookup asked so far. */
    private final Map<String, String> readings = new ConcurrentHashMap<>();
    private final AtomicInteger rendered = new AtomicInteger();

    /** {@code o} compared by identity in {@link #begin}'s globals. */
    public static Object same(Object o) {
        return new Same(o);
    }

    /**
     * Starts a build of {@code book}: when any of {@code globals} differs from the last build's ({@code equals},
     * or identity for {@link #same}), every kept page is dropped.
     */
    public void begin(CheckedBook book, List<Object> globals) {
        if (!globals.equals(this.globals)) {
            kept.clear();
        }
        this.globals = List.copyOf(globals);
        this.book = book;
        readings.clear();
        rendered.set(0);
        kept.keySet().retainAll(book.chapters().stream().map(p -> p.chapter().path()).toList());
    }

    /** How many pages this build rendered (the others were reused). */
    public int rendered() {
        return rendered.get();
    }

    /**
     * The chapter's page as kept, when nothing it read has changed; otherwise {@code work}'s, with what it read
     * recorded. {@code context} is a context for the chapter's page that renders nothing: it reads lookups. Safe
     * to call for several chapters at once, one thread each.
     */
    public T render(ParsedChapter parsed, RenderContext context, Supplier<T> work) {
        String path = parsed.chapter().path();
        List<Object> own = own(parsed, book);
        Kept<T> k = kept.get(path);
        if (k != null && k.parsed() == parsed && k.own().equals(own) && unchanged(k.readings(), context)) {
            return k.rendered();
        }
        Set<String> reads = new LinkedHashSet<>();
        T result;
        book.index().recordReads(reads);
        try {
            result = work.get();
        } finally {
            book.index().recordReads(null);
        }
        Map<String, String> now = new HashMap<>();
        for (String key : reads) {
            now.put(key, reading(key, context));
        }
        kept.put(path, new Kept<>(parsed, own, now, result));
        rendered.incrementAndGet();
        return result;
    }

    private boolean unchanged(Map<String, String> before, RenderContext context) {
        for (Map.Entry<String, String> e : before.entrySet()) {
            if (!e.getValue().equals(reading(e.getKey(), context))) {
                return false;
            }
        }
        return true;
    }

    private String reading(String key, RenderContext context) {
        String r = readings.get(key);
        if (r == null) {
            r = context.reading(key); // the same in every page's context: a reading does not depend on the page
            readings.putIfAbsent(key, r);
        }
        return r;
    }

    /** The values the check stage gave the chapter's own nodes, each with its node's place in the tree. */
    private static List<Object> own(ParsedChapter parsed, CheckedBook book) {
        List<Object> out = new ArrayList<>();
        int i = 0;
        for (Node n : parsed.document().getDescendants()) {
            add(out, i, 0, book.index().id(n));
            add(out, i, 1, book.index().number(n));
            add(out, i, 2, book.math().get(n));
            add(out, i, 3, book.diagrams().get(n));
            add(out, i, 4, book.metrics().get(n));
            add(out, i, 5, book.metricValues().get(n));
            add(out, i, 6, book.claims().get(n));
            add(out, i, 7, book.claimResults().get(n));
            i++;
        }
        return out;
    }

    private static void add(List<Object> out, int node, int what, Object value) {
        if (value != null) {
            out.add(node * 8 + what);
            out.add(value);
        }
    }

    @Override
    public String toString() {
        return "PageCache[" + kept.size() + " pages kept, " + rendered.get() + " rendered]";
    }
}
