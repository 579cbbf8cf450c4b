package org.circuitbook.generator.cite;

import de.undercouch.citeproc.CSL;
import de.undercouch.citeproc.DefaultLocaleProvider;
import de.undercouch.citeproc.ListItemDataProvider;
import de.undercouch.citeproc.csl.CSLCitation;
import de.undercouch.citeproc.csl.CSLCitationItem;
import de.undercouch.citeproc.csl.CSLCitationItemBuilder;
import de.undercouch.citeproc.csl.CSLItemData;
import de.undercouch.citeproc.csl.CSLLabel;
import de.undercouch.citeproc.csl.CSLName;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Formats citations and references with the bundled APA 7 CSL style.
 *
 * <p>Thread-safe. A citeproc-java {@link CSL} object is stateful (it records every citation it
 * renders), so the one instance is used by one thread at a time: the render stage's other threads wait for it
 * (a citation takes a millisecond or so), which costs far less than building another (0.25-1 s in a cold JVM,
 * 40-70 ms after; a cached build of the book built a second one in its render stage, for 0.25-0.5 s of CPU).
 * The CSL registers all its items up front, so the
 * bibliography order and year suffixes never depend on which thread or call came first; give it only the works a
 * book cites ({@link Bibliography#citedOnly}), as citeproc-java's cost per citation grows with the items it has
 * registered (10,000 made 60 citations take 80 s instead of 0.4 s). Results
 * are memoized (0.15-0.35 ms per citation, 0.7-1.7 ms per reference otherwise), which also bounds each CSL's history.
 */
final class ApaFormatter {
    /** Label-less locators such as "Theorem 2" are rendered as a page, then this is replaced. */
    private static final String VERBATIM = "QQLOCATORQQ";

    private final Map<String, CSLItemData> items;
    private final Map<String, Integer> rank = new HashMap<>();
    private final CSL csl;
    private final Map<String, String> citations = new ConcurrentHashMap<>();
    private final Map<String, String> narratives = new ConcurrentHashMap<>();
    private final Map<String, String> references = new ConcurrentHashMap<>();

    ApaFormatter(Map<String, CSLItemData> items) {
        this.items = Map.copyOf(items);
        csl = newCsl();
        int i = 0;
        for (CSLItemData d : csl.getRegisteredItems()) { // the style's bibliography sort
            rank.put(d.getId(), i++);
        }
    }

    String citation(List<CiteItem> cites) {
        String memoKey = cites.stream().map(c -> c.key() + '\u0001' + c.locator()).collect(Collectors.joining("\u0002"));
        String hit = citations.get(memoKey);
        if (hit != null) {
            return hit;
        }
        List<String> verbatim = new ArrayList<>();
        CSLCitationItem[] arr = new CSLCitationItem[cites.size()];
        for (int i = 0; i < arr.length; i++) {
            CiteItem c = cites.get(i);
            CSLCitationItemBuilder b = new CSLCitationItemBuilder(c.key());
            if (c.locator() != null) {
                Locator loc = Locator.parse(c.locator());
                if (loc.label() == null) {
                    verbatim.add(loc.value());
                    b.locator(VERBATIM + (verbatim.size() - 1) + "Q").label(CSLLabel.PAGE);
                } else {
                    b.locator(loc.value()).label(loc.label());
                }
            }
            arr[i] = b.build();
        }
        String text = withCsl(csl -> {
            var out = csl.makeCitation(new CSLCitation(arr));
            return out.get(out.size() - 1).getText(); // earlier elements are re-rendered older citations
        });
        for (int i = 0; i < verbatim.size(); i++) {
            String mark = VERBATIM + i + "Q";
            String value = HtmlOutput.escapeHtml(verbatim.get(i));
            text = text.replace("p. " + mark, value).replace(mark, value);
        }
        citations.putIfAbsent(memoKey, text);
        return text;
    }

    /**
     * APA narrative form, "Elhage et al. (2022, p. 3)". citeproc-java ignores author-only and
     * suppress-author, so this splits the style's own parenthetical output at the date: the
     * names part keeps the style's et-al and title-substitution rules, and APA's "&" becomes "and".
     */
    String narrative(String key, String locator) {
        return narratives.computeIfAbsent(key + '\u0001' + locator, k -> {
            String paren = citation(List.of(new CiteItem(key, locator)));
            CSLItemData d = items.get(key);
            String date = year(d) == null ? "n.d." : year(d) + (d.getYearSuffix() == null ? "" : d.getYearSuffix());
            int at = paren.indexOf(", " + date);
            if (paren.startsWith("(") && paren.endsWith(")") && at > 1) {
                String names = paren.substring(1, at);
                if (!families(d).isEmpty()) {
                    names = names.replace(" &amp; ", " and ");
                }
                return names + " (" + paren.substring(at + 2);
            }
            // Not the expected shape: build "Family et al. (date)" from the data.
            List<String> fam = families(d);
            String names = fam.isEmpty() ? String.valueOf(d.getTitle())
                    : fam.size() == 1 ? fam.get(0) : fam.size() == 2 ? fam.get(0) + " and " + fam.get(1) : fam.get(0) + " et al.";
            return HtmlOutput.escapeHtml(names) + " (" + date + ")";
        });
    }

    String reference(String key) {
        return references.computeIfAbsent(key, k -> withCsl(csl -> {
            String entry = csl.makeBibliography(d -> d.getId().equals(k)).getEntries()[0].trim();
            entry = entry.replaceFirst("^<div class=\"csl-entry\">", "").replaceFirst("</div>$", "");
            // APA capitalizes the first word of "(arXiv:2301.05217)"; citeproc-js keeps
            // mixed-case words as they are, citeproc-java does not
            return lastAuthor(items.get(k), entry.replace("(ArXiv:", "(arXiv:"));
        }));
    }

    /**
     * APA 7 (9.8) lists 21 or more authors as the first 19, an ellipsis and the last; citeproc-java
     * ignores the style's et-al-use-last and writes "et al." instead.
     */
    static String lastAuthor(CSLItemData d, String entry) {
        CSLName[] authors = d.getAuthor();
        int at = entry.indexOf(", et al. (");
        if (authors == null || authors.length < 21 || at < 0) {
            return entry;
        }
        CSLName last = authors[authors.length - 1];
        String name = last.getLiteral() != null ? last.getLiteral()
                : (last.getNonDroppingParticle() == null ? "" : last.getNonDroppingParticle() + " ") + last.getFamily()
                + (last.getGiven() == null ? "" : ", " + initials(last.getGiven()));
        return entry.substring(0, at) + ", . . . " + HtmlOutput.escapeHtml(name) + entry.substring(at + ", et al.".length());
    }

    /** "Jean-Paul Martin" as APA abbreviates it: "J.-P. M.". */
    static String initials(String given) {
        List<String> words = new ArrayList<>();
        for (String word : given.trim().split("\\s+")) {
            List<String> parts = new ArrayList<>();
            for (String part : word.split("-")) {
                if (!part.isEmpty()) {
                    parts.add(part.substring(0, part.offsetByCodePoints(0, 1)) + ".");
                }
            }
            words.add(String.join("-", parts));
        }
        return String.join(" ", words).trim();
    }

    List<String> references(Collection<String> keys) {
        return keys.stream().distinct().sorted((a, b) -> Integer.compare(rank.get(a), rank.get(b)))
                .map(this::reference).collect(Collectors.toList());
    }

    private <T> T withCsl(Function<CSL, T> work) {
        synchronized (csl) {
            return work.apply(csl);
        }
    }

    private CSL newCsl() {
        try {
            CSL csl = new CSL(new ListItemDataProvider(items.values().toArray(new CSLItemData[0])),
                    new DefaultLocaleProvider(), null, Style.XML, "en-US");
            csl.setOutputFormat(new HtmlOutput());
            csl.setConvertLinks(true);
            csl.registerCitationItems(items.keySet());
            return csl;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Family names of the authors, else the editors; literal names as written. */
    static List<String> families(CSLItemData d) {
        CSLName[] names = d.getAuthor() != null && d.getAuthor().length > 0 ? d.getAuthor() : d.getEditor();
        if (names == null) {
            return List.of();
        }
        return Arrays.stream(names).map(n -> n.getLiteral() != null ? n.getLiteral()
                : (n.getNonDroppingParticle() == null ? "" : n.getNonDroppingParticle() + " ") + n.getFamily()).toList();
    }

    static String year(CSLItemData d) {
        var issued = d.getIssued();
        return issued == null || issued.getDateParts() == null || issued.getDateParts().length == 0
                || issued.getDateParts()[0].length == 0 ? null : String.valueOf(issued.getDateParts()[0][0]);
    }

    /** The bundled style, read from the jar once; each CSL instance parses the XML itself. */
    private static final class Style {
        static final String XML = load();

        private static String load() {
            try (InputStream in = ApaFormatter.class.getResourceAsStream("apa.csl")) {
                if (in == null) {
                    throw new IllegalStateException("apa.csl missing from the classpath");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
