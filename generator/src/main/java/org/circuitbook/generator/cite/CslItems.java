package org.circuitbook.generator.cite;

import de.undercouch.citeproc.bibtex.BibTeXConverter;
import de.undercouch.citeproc.csl.CSLItemData;
import de.undercouch.citeproc.csl.CSLItemDataBuilder;
import de.undercouch.citeproc.csl.CSLName;
import de.undercouch.citeproc.csl.CSLType;
import org.jbibtex.BibTeXEntry;
import org.jbibtex.Key;
import org.jbibtex.StringValue;
import org.jbibtex.Value;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a BibTeX entry into CSL item data: citeproc-java's {@link BibTeXConverter} does most of
 * it, this class fixes what it gets wrong for the entries a book about circuits cites.
 * Not thread-safe (the converter's LaTeX parser keeps state); use one per parse.
 */
final class CslItems {
    /** Fields that hold identifiers, never LaTeX text: "--" or "~" in them must survive. */
    private static final Set<String> RAW_FIELDS = Set.of("url", "doi", "eprint", "howpublished");
    private static final Set<String> NAME_FIELDS = Set.of("author", "editor");
    private static final Set<String> PREPRINT_TYPES = Set.of("misc", "unpublished", "online", "article");
    /** Google Scholar style: journal = {arXiv preprint arXiv:1911.10500}. */
    private static final Pattern ARXIV_TEXT = Pattern.compile(
            "(?i)arxiv(?:\\s+preprint)?\\s*(?:arxiv)?\\s*:?\\s*(\\d{4}\\.\\d{4,5}(?:v\\d+)?|[a-z.-]+/\\d{7}(?:v\\d+)?)");
    private static final Pattern ARXIV_URL = Pattern.compile("(?i)arxiv\\.org/(?:abs|pdf)/([^\\s}]+?)(?:\\.pdf)?(?=[\\s}]|$)");
    private static final Pattern URL_MACRO = Pattern.compile("\\\\(?:url|href)\\s*\\{([^}]*)}");
    private static final Pattern DOI_PREFIX = Pattern.compile("(?i)^(?:https?://(?:dx\\.)?doi\\.org/|doi:\\s*)");

    private final BibTeXConverter converter = new BibTeXConverter();

    CSLItemData toItem(BibTeXEntry entry) {
        Map<String, String> raw = new HashMap<>();
        Map<String, CSLName[]> names = new HashMap<>();
        BibTeXEntry clean = new BibTeXEntry(entry.getType(), entry.getKey());
        for (Map.Entry<Key, Value> f : entry.getFields().entrySet()) {
            String name = f.getKey().getValue().toLowerCase(Locale.ROOT);
            String value = f.getValue().toUserString();
            raw.put(name, value);
            if (NAME_FIELDS.contains(name)) { // citeproc-java's name parser cuts "Erd{ő}s" at the brace
                CSLName[] parsed = BibNames.parse(LatexText.names(value, LatexText.Problems.NONE));
                names.put(name, parsed.length == 0 ? null : parsed);
            } else if (!RAW_FIELDS.contains(name) && BibDates.valid(name, value) && BibNumbers.valid(name, value)) {
                // a bad date or number is reported
                // the converter runs jbibtex's LaTeX printer on every field: give it decoded text it
                // prints back unchanged
                clean.addField(f.getKey(), new StringValue(forJbibtex(text(value)), StringValue.Style.BRACED));
            }
        }
        CSLItemData base = convert(clean);
        CSLItemDataBuilder b = new CSLItemDataBuilder(base);
        if (names.containsKey("author")) {
            b.author(names.get("author"));
        }
        if (names.containsKey("editor")) { // as the converter maps it
            b.editor(names.get("editor")).collectionEditor(names.get("editor"));
        }
        String type = entry.getType().getValue().toLowerCase(Locale.ROOT);
        String how = raw.get("howpublished");
        boolean howIsUrl = how != null && (URL_MACRO.matcher(how).find() || how.trim().matches("(?i)(https?://|www\\.).*"));
        String url = cleanUrl(raw.get("url"));
        if (url == null && howIsUrl) {
            url = cleanUrl(how);
        }
        String doi = cleanUrl(raw.get("doi"));
        doi = doi == null ? null : DOI_PREFIX.matcher(doi).replaceFirst("");
        b.URL(url).DOI(doi);

        if (base.getType() == CSLType.ARTICLE_JOURNAL) {
            // BibTeX "number" of an @article is the issue; the converter maps it to CSL "number",
            // which APA renders as "Article 3"
            String issue = base.getIssue() != null ? base.getIssue() : base.getNumber();
            String number = base.getIssue() != null ? base.getNumber() : null;
            // An e-locator such as "e00024.001" is an article number (APA: "Article e00024.001"),
            // and citeproc-java's page formatting truncates it at the dot
            String pages = raw.get("pages");
            if (number == null && pages != null && !pages.matches(".*[-\u2013,].*") && !pages.trim().matches("\\d+")) {
                number = text(pages);
                b.page(null).numberOfPages(null);
            }
            b.issue(issue).number(number);
        }

        String arxiv = arxivId(raw);
        if (arxiv != null) {
            String journal = raw.getOrDefault("journal", "");
            boolean preprint = PREPRINT_TYPES.contains(type)
                    && (!type.equals("article") || journal.isEmpty() || ARXIV_TEXT.matcher(journal).find());
            if (preprint) { // APA 7: Title (arXiv:ID). arXiv. URL
                b.type(CSLType.ARTICLE).containerTitle(null).number("arXiv:" + arxiv).publisher("arXiv");
            }
            if (url == null && doi == null) {
                b.URL("https://arxiv.org/abs/" + arxiv);
            }
        } else if (how != null && !howIsUrl && base.getPublisher() == null && base.getContainerTitle() == null) {
            b.publisher(text(how)); // e.g. howpublished = {Transformer Circuits Thread}
        }
        CSLItemData item = b.build();
        // what the converter made of a field that passed may still trip citeproc-java's number grammar: left out
        if (!BibNumbers.readable(item.getPage()) || !BibNumbers.readable(item.getVolume())
                || !BibNumbers.readable(item.getIssue()) || !BibNumbers.readable(item.getNumber())) {
            CSLItemDataBuilder safe = new CSLItemDataBuilder(item);
            safe.page(BibNumbers.readable(item.getPage()) ? item.getPage() : null);
            safe.volume(BibNumbers.readable(item.getVolume()) ? item.getVolume() : null);
            safe.issue(BibNumbers.readable(item.getIssue()) ? item.getIssue() : null);
            safe.number(BibNumbers.readable(item.getNumber()) ? item.getNumber() : null);
            item = safe.build();
        }
        return item;
    }

    /**
     * The converter's result, or, should it throw on a value nobody thought of (it has on dates),
     * an item with the entry's type, key and title: the fields are reported, never a stack trace.
     */
    private CSLItemData convert(BibTeXEntry clean) {
        try {
            return converter.toItemData(clean);
        } catch (RuntimeException e) {
            BibTeXEntry bare = new BibTeXEntry(clean.getType(), clean.getKey());
            Value title = clean.getField(BibTeXEntry.KEY_TITLE);
            if (title != null) {
                bare.addField(BibTeXEntry.KEY_TITLE, title);
            }
            return converter.toItemData(bare);
        }
    }

    private static String arxivId(Map<String, String> raw) {
        String prefix = raw.getOrDefault("archiveprefix", raw.getOrDefault("eprinttype", ""));
        String eprint = raw.get("eprint");
        if (eprint != null && prefix.trim().equalsIgnoreCase("arxiv")) {
            return eprint.trim().replaceFirst("(?i)^arxiv:", "");
        }
        for (String field : new String[] {"journal", "note", "howpublished", "url"}) {
            String v = raw.get(field);
            Matcher m = v == null ? null : ARXIV_TEXT.matcher(v);
            if (m != null && m.find()) {
                return m.group(1);
            }
            if (v != null && (m = ARXIV_URL.matcher(v)).find()) {
                return m.group(1);
            }
        }
        return null;
    }

    /** LaTeX to Unicode for a field the converter does not map (howpublished, pages). */
    static String text(String value) {
        return LatexText.text(value, LatexText.Problems.NONE).replaceAll("\\s+", " ").trim();
    }

    /**
     * Escapes Unicode text so that jbibtex's LaTeX parser and printer give it back as it is: its
     * special characters, and the dashes and quotes it would otherwise turn into typographic ones.
     */
    static String forJbibtex(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\textbackslash{}");
                case '~' -> out.append("\\textasciitilde{}");
                case '^' -> out.append("\\textasciicircum{}");
                case '{', '}', '$', '&', '_', '#', '%' -> out.append('\\').append(c);
                case '-', '`', '\'' -> {
                    out.append(c);
                    if (i + 1 < s.length() && s.charAt(i + 1) == c) {
                        out.append("{}"); // "--" would print as an en dash, "``" as a quote
                    }
                }
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Strips \\url{...}, braces and LaTeX escapes from an identifier field. */
    static String cleanUrl(String v) {
        if (v == null) {
            return null;
        }
        Matcher m = URL_MACRO.matcher(v);
        String s = m.find() ? m.group(1) : v;
        s = s.replace("\\textasciitilde", "~").replaceAll("\\\\([_%#&~$])", "$1").replaceAll("[{}\\s]", "");
        return s.isEmpty() ? null : s;
    }
}
