package org.circuitbook.generator.cite;

import de.undercouch.citeproc.csl.CSLItemData;
import de.undercouch.citeproc.csl.CSLItemDataBuilder;
import org.jbibtex.BibTeXEntry;
import org.jbibtex.Key;
import org.jbibtex.Value;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A parsed {@code .bib} file and its APA (7th edition, author-date) rendering as HTML fragments.
 *
 * <p>Keys are matched case-insensitively, as BibTeX does; {@link #keys()} keeps the file's spelling.
 * Unknown keys passed to the formatting methods throw {@link IllegalArgumentException}: check
 * {@link #has} first and report the problem with the page's position.
 *
 * <p>A book formats through {@link #citedOnly} with the keys it cites: year suffixes then count only cited
 * works, and the formatter's cost follows the citations rather than the size of the file. Formatting
 * straight from {@link #parse} treats every entry in the file as cited.
 *
 * <p>Thread-safety: immutable after {@link #parse}; all methods may be called from any number of
 * threads. The formatter (style and locale load: 0.4-1 s in a cold JVM) is created on the
 * first formatting call;
 * all results are memoized for the life of this object.
 */
public final class Bibliography {
    private final String displayPath;
    private final Map<String, String> canonical; // lower-case key -> key as written
    private final Map<String, Integer> lines;
    private final Map<String, CSLItemData> items; // key as written -> CSL data, file order, no year suffix
    private final Set<String> cited; // keys as written that the formatter knows; null: all
    private volatile ApaFormatter formatter;
    private volatile Bibliography lastView;

    private Bibliography(String displayPath, Map<String, String> canonical, Map<String, Integer> lines,
                         Map<String, CSLItemData> items, Set<String> cited) {
        this.displayPath = displayPath;
        this.canonical = canonical;
        this.lines = lines;
        this.items = items;
        this.cited = cited;
    }

    /**
     * Parses BibTeX text. Every problem (syntax errors, duplicate keys, entries without title,
     * author/editor or year) goes to {@code problems}, sorted by position; a broken entry is
     * skipped and parsing goes on with the next one. Entries that only miss fields are kept.
     *
     * @param displayPath the file's path as shown to the author (kept for messages)
     */
    public static Bibliography parse(String displayPath, String bibText, Consumer<BibProblem> problems) {
        String text = bibText.startsWith("\uFEFF") ? bibText.substring(1) : bibText;
        List<BibProblem> found = new ArrayList<>();
        Map<String, BibParser.Parsed> parsed = BibParser.parse(text, found::add);
        Map<String, String> canonical = new HashMap<>();
        Map<String, Integer> lines = new HashMap<>();
        Map<String, CSLItemData> items = new LinkedHashMap<>();
        CslItems converter = new CslItems();
        for (BibParser.Parsed p : parsed.values()) {
            BibTeXEntry e = p.entry();
            String key = e.getKey().getValue();
            checkFields(p, found);
            canonical.put(key.toLowerCase(Locale.ROOT), key);
            lines.put(key, p.line());
            items.put(key, converter.toItem(e));
        }
        found.sort(Comparator.comparingInt(BibProblem::line).thenComparingInt(BibProblem::column));
        found.forEach(problems);
        return new Bibliography(displayPath, canonical, lines, Collections.unmodifiableMap(items), null);
    }

    /**
     * This bibliography as a book that cites exactly {@code keys} renders it: year suffixes ("2022a")
     * tell apart only works that are cited, and the formatter registers only those, so its cost
     * follows the citations, not the size of the file. Unknown keys are ignored; formatting a key
     * that is not among {@code keys} throws {@link IllegalArgumentException}. The same set gives the
     * same object (and its memoized results) again.
     */
    public Bibliography citedOnly(Collection<String> keys) {
        Set<String> set = new TreeSet<>();
        for (String k : keys) {
            if (has(k)) {
                set.add(resolve(k));
            }
        }
        Bibliography last = lastView;
        if (last != null && last.cited.equals(set)) {
            return last;
        }
        Bibliography view = new Bibliography(displayPath, canonical, lines, items, Collections.unmodifiableSet(set));
        lastView = view;
        return view;
    }

    public String displayPath() {
        return displayPath;
    }

    public boolean has(String key) {
        return key != null && canonical.containsKey(key.toLowerCase(Locale.ROOT));
    }

    /** The keys as written in the file, in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(items.keySet()));
    }

    /** The 1-based line of the entry's '@', or -1 for an unknown key. */
    public int line(String key) {
        return has(key) ? lines.get(canonical.get(key.toLowerCase(Locale.ROOT))) : -1;
    }

    /** Parenthetical citation, e.g. {@code (Elhage et al., 2022; Olah et al., 2020, p. 3)}. */
    public String citation(List<CiteItem> cites) {
        if (cites.isEmpty()) {
            throw new IllegalArgumentException("A citation needs at least one key");
        }
        List<CiteItem> resolved = cites.stream().map(c -> new CiteItem(resolveCited(c.key()), c.locator())).toList();
        return formatter().citation(resolved);
    }

    /** Narrative citation, e.g. {@code Elhage et al. (2022)}; {@code locator} may be null. */
    public String narrative(String key, String locator) {
        return formatter().narrative(resolveCited(key), locator == null || locator.isBlank() ? null : locator);
    }

    /** The full reference-list entry as an HTML fragment (no wrapping element), with its link. */
    public String reference(String key) {
        return formatter().reference(resolveCited(key));
    }

    /** Reference entries for {@code keys} (duplicates dropped), in the style's order. */
    public List<String> references(Collection<String> keys) {
        return formatter().references(keys.stream().map(this::resolveCited).toList());
    }

    private String resolve(String key) {
        String k = key == null ? null : canonical.get(key.toLowerCase(Locale.ROOT));
        if (k == null) {
            throw new IllegalArgumentException("Unknown citation key '" + key + "' in " + displayPath);
        }
        return k;
    }

    private String resolveCited(String key) {
        String k = resolve(key);
        if (cited != null && !cited.contains(k)) {
            throw new IllegalArgumentException("Citation key '" + key + "' is not among the keys this view was made for");
        }
        return k;
    }

    private ApaFormatter formatter() {
        ApaFormatter f = formatter;
        if (f == null) {
            synchronized (this) {
                f = formatter;
                if (f == null) {
                    Map<String, CSLItemData> known = new LinkedHashMap<>();
                    items.forEach((k, d) -> {
                        if (cited == null || cited.contains(k)) {
                            known.put(k, d);
                        }
                    });
                    assignYearSuffixes(known);
                    formatter = f = new ApaFormatter(known);
                }
            }
        }
        return f;
    }

    private static void checkFields(BibParser.Parsed p, List<BibProblem> found) {
        String key = p.entry().getKey().getValue();
        if (blank(p.entry(), "title")) {
            found.add(new BibProblem(p.line(), p.column(), "Entry '" + key + "' has no title", "Add title = {...}."));
        }
        if (blank(p.entry(), "author") && blank(p.entry(), "editor")) {
            found.add(new BibProblem(p.line(), p.column(), "Entry '" + key + "' has no author or editor",
                    "Add author = {Last, First and Last, First}."));
        }
        if (blank(p.entry(), "year") && blank(p.entry(), "date")) {
            found.add(new BibProblem(p.line(), p.column(), "Entry '" + key + "' has no year",
                    "Add year = {...}; without it APA prints \"n.d.\"."));
        }
    }

    private static boolean blank(BibTeXEntry e, String field) {
        Value v = e.getField(new Key(field));
        if (v != null && (field.equals("author") || field.equals("editor"))) { // {and} or {,} name nobody
            return BibNames.parse(LatexText.names(v.toUserString(), LatexText.Problems.NONE)).length == 0;
        }
        return v == null || v.toUserString().replaceAll("[{}\\s]", "").isEmpty();
    }

    /**
     * APA 9.47: works by the same authors in the same year get "a", "b", ... ordered by title.
     * citeproc-java does no disambiguation itself, so the suffix goes into the item data. Only the
     * works in {@code items} count: a work the book does not cite must not make a cited one "2022b".
     */
    private static void assignYearSuffixes(Map<String, CSLItemData> items) {
        Map<String, List<CSLItemData>> groups = new LinkedHashMap<>();
        for (CSLItemData d : items.values()) {
            List<String> fam = ApaFormatter.families(d);
            String year = ApaFormatter.year(d);
            if (!fam.isEmpty() && year != null) {
                groups.computeIfAbsent(String.join("\u0001", fam) + "\u0002" + year, g -> new ArrayList<>()).add(d);
            }
        }
        for (List<CSLItemData> group : groups.values()) {
            if (group.size() < 2) {
                continue;
            }
            group.sort(Comparator.comparing((CSLItemData d) -> Objects.toString(d.getTitle(), "").toLowerCase(Locale.ROOT))
                    .thenComparing(CSLItemData::getId));
            for (int i = 0; i < group.size(); i++) {
                items.put(group.get(i).getId(), new CSLItemDataBuilder(group.get(i)).yearSuffix(yearSuffix(i)).build());
            }
        }
    }

    /** a..z, then aa, ab, ..., zz, aaa: as citeproc-js and biblatex go on past 26 works. */
    static String yearSuffix(int index) {
        StringBuilder sb = new StringBuilder();
        for (int n = index + 1; n > 0; n = (n - 1) / 26) {
            sb.append((char) ('a' + (n - 1) % 26));
        }
        return sb.reverse().toString();
    }
}
