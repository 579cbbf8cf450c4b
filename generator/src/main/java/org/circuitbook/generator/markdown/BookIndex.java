package org.circuitbook.generator.markdown;

import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.diagnostics.Problems;

/**
 * Everything one page needs to know about the others: chapter numbers, the number of every figure,
 * table and labelled equation ("Figure 3.2" is the second figure of chapter 3), every label and where
 * it points, and every anchor on every page. Built once all chapters are parsed, before any is
 * rendered, because a reference may point forwards or into another chapter.
 */
public final class BookIndex {
    public enum Kind {
        FIGURE("Figure"), TABLE("Table"), EQUATION("Equation"), SECTION("Section"), TERM("Term"),
        EXERCISE("Exercise"), SOLUTION("Solution");

        public final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /** Where a label points, and what a reference to it says. */
    public record Target(String label, Kind kind, String page, String anchor, String number, String title,
                         String path, int line) {
        public String href(String fromPage) {
            return (page.equals(fromPage) ? "" : page) + "#" + anchor;
        }

        /** "Figure 3.2", "Equation (3.1)", or a section's title. */
        public String text() {
            return switch (kind) {
                case SECTION, TERM -> title;
                case SOLUTION -> "Solution";
                case EQUATION -> "Equation (" + number + ")";
                default -> kind.word + " " + number;
            };
        }
    }

    private final Map<String, Target> labels = new LinkedHashMap<>();
    /** The heading, figure, table or equation each label names, for previews read at render time. */
    private final Map<String, Node> labelled = new HashMap<>();
    private final Map<String, Set<String>> anchors = new HashMap<>();
    private final Map<Node, String> ids = new IdentityHashMap<>();
    private final Map<Node, String> numbers = new IdentityHashMap<>();
    private final Map<String, String> chapterNumbers = new HashMap<>();
    /** Glossary terms by {@link #termKey} of their text, to the term's label. */
    private final Map<String, String> terms = new LinkedHashMap<>();

    /** The landing page, which every book has besides its chapters. */
    public static final String LANDING = "index.html";

    /**
     * For a thread that is rendering a page, a key for every lookup it makes by label, term, page or anchor
     * ({@link #recordReads}): what the page read of the rest of the book.
     */
    private final ThreadLocal<Set<String>> reads = new ThreadLocal<>();

    /**
     * Records every lookup by label, term, page or anchor this thread makes into {@code sink} until called with
     * null (chapters render side by side, each on its own thread): the render cache ({@link RenderContext#reading})
     * keeps a page while each of these still reads the same.
     */
    public void recordReads(Set<String> sink) {
        if (sink == null) {
            reads.remove();
        } else {
            reads.set(sink);
        }
    }

    private void read(char kind, String key) {
        Set<String> sink = reads.get();
        if (sink != null) {
            sink.add(kind + key);
        }
    }

    public static BookIndex build(List<ParsedChapter> chapters, Problems problems) {
        BookIndex index = new BookIndex();
        index.anchors.put(LANDING, new HashSet<>());
        int numbered = 0;
        int lettered = 0;
        for (ParsedChapter chapter : chapters) {
            // numbered chapters count 1, 2, ...; unnumbered pages (front matter 'numbered: false') A, B, ...
            String label = chapter.chapter().frontMatter().numbered() ? Integer.toString(++numbered)
                    : letters(++lettered);
            index.indexChapter(chapter, label, problems);
        }
        return index;
    }

    /** 1 to "A", 26 to "Z", 27 to "AA". */
    static String letters(int n) {
        StringBuilder sb = new StringBuilder();
        for (int k = n; k > 0; k = (k - 1) / 26) {
            sb.insert(0, (char) ('A' + (k - 1) % 26));
        }
        return sb.toString();
    }

    private void indexChapter(ParsedChapter parsed, String chapterNumber, Problems problems) {
        String page = parsed.chapter().outputFile();
        chapterNumbers.put(page, chapterNumber);
        Set<String> pageAnchors = anchors.computeIfAbsent(page, p -> new HashSet<>());
        SourceMap map = SourceMap.of(parsed.chapter().body());
        int figures = 0;
        int tables = 0;
        int equations = 0;
        int exercises = 0;
        MystNodes.Target pendingTarget = null;
        for (Node node : parsed.document().getDescendants()) {
            String label = null;
            Kind kind = null;
            String title = "";
            int line = map.line(node.getStartOffset());
            if (node instanceof MystNodes.Target t) {
                if (pendingTarget != null) {
                    register(pendingTarget.label, Kind.SECTION, page, pendingTarget.label, "", "", null, parsed, pendingTarget.line, problems);
                    pageAnchors.add(pendingTarget.label);
                    ids.put(pendingTarget, pendingTarget.label);
                }
                pendingTarget = t;
                continue;
            }
            if (node instanceof Heading h) {
                String text = PlainText.of(h).strip();
                String id = pendingTarget != null ? pendingTarget.label : unique(slug(text), pageAnchors);
                ids.put(h, id);
                pageAnchors.add(id);
                if (pendingTarget != null) {
                    register(id, Kind.SECTION, page, id, "", text, h, parsed, pendingTarget.line, problems);
                    pendingTarget = null;
                }
                continue;
            }
            if (node instanceof DirectiveBlock d && Directives.get(d.name()) != null) {
                Directives.Kind k = Directives.get(d.name()).kind();
                if (k == Directives.Kind.FIGURE || k == Directives.Kind.WIDGET) {
                    kind = Kind.FIGURE;
                    numbers.put(d, chapterNumber + "." + (++figures));
                } else if (k == Directives.Kind.TABLE) {
                    kind = Kind.TABLE;
                    numbers.put(d, chapterNumber + "." + (++tables));
                } else if (k == Directives.Kind.MATH && Directives.label(d) != null) {
                    kind = Kind.EQUATION;
                    numbers.put(d, chapterNumber + "." + (++equations));
                } else if (k == Directives.Kind.EXERCISE) {
                    kind = Kind.EXERCISE;
                    numbers.put(d, chapterNumber + "." + (++exercises));
                    if (Directives.label(d) == null) { // an anchor of its own, for a link to it from elsewhere
                        String id = unique("exercise-" + numbers.get(d).replace('.', '-'), pageAnchors);
                        ids.put(d, id);
                        pageAnchors.add(id);
                    }
                } else if (k == Directives.Kind.SOLUTION) {
                    kind = Kind.SOLUTION;
                    if (Directives.label(d) == null) {
                        String id = unique("solution-" + slug(d.argument()), pageAnchors);
                        ids.put(d, id);
                        pageAnchors.add(id);
                    }
                }
                label = Directives.label(d);
                title = k == Directives.Kind.TABLE || k == Directives.Kind.EXERCISE ? d.argument() : caption(d);
                line = d.line();
            } else if (node instanceof com.vladsch.flexmark.ext.definition.DefinitionTerm term && inGlossary(term)) {
                String text = PlainText.of(term).strip();
                kind = Kind.TERM;
                label = "term-" + slug(text);
                title = text;
                if (terms.containsKey(termKey(text))) {
                    Target first = labels.get(terms.get(termKey(text)));
                    problems.add(parsed.chapter().path(), line, map.column(node.getStartOffset()), "glossary term \""
                            + text + "\" is defined twice", "first defined at " + first.path() + ":" + first.line());
                    continue;
                }
                if (labels.containsKey(label)) { // another spelling with the same slug: keep the id unique
                    label = unique(label, labels.keySet());
                }
                terms.put(termKey(text), label);
            } else if (node instanceof MystNodes.MathBlock m && m.label != null) {
                kind = Kind.EQUATION;
                label = m.label;
                numbers.put(m, chapterNumber + "." + (++equations));
                line = m.line;
            }
            if (pendingTarget != null && !(node instanceof com.vladsch.flexmark.util.ast.Document)) {
                // a (label)= before something that is not a heading names that block's position
                register(pendingTarget.label, Kind.SECTION, page, pendingTarget.label, "", title, null, parsed, pendingTarget.line, problems);
                pageAnchors.add(pendingTarget.label);
                ids.put(pendingTarget, pendingTarget.label); // rendered as an anchor where the target stands
                pendingTarget = null;
            }
            if (label != null && kind != null) {
                ids.put(node, label);
                pageAnchors.add(label);
                register(label, kind, page, label, numbers.getOrDefault(node, ""), title, node, parsed, line, problems);
            }
        }
        if (pendingTarget != null) {
            problems.add(parsed.chapter().path(), pendingTarget.line, pendingTarget.column, "target (" + pendingTarget.label
                    + ")= is not followed by anything to label", "put it on the line before a heading");
        }
    }

    private void register(String label, Kind kind, String page, String anchor, String number, String title, Node node,
                          ParsedChapter parsed, int line, Problems problems) {
        String bad = MystBlockParsers.labelProblem(label);
        if (bad != null) {
            problems.add(parsed.chapter().path(), line, 1, bad, MystBlockParsers.LABEL_HINT);
            return;
        }
        Target previous = labels.get(label);
        if (previous != null) {
            problems.add(parsed.chapter().path(), line, 1, "duplicate label \"" + label + "\"",
                    "already used at " + previous.path() + ":" + previous.line() + "; labels are unique across the book");
            return;
        }
        labels.put(label, new Target(label, kind, page, anchor, number, title, parsed.chapter().path(), line));
        if (node != null) {
            labelled.put(label, node);
        }
    }

    /** The text of a directive's body, without markup, for hover previews. */
    static String caption(DirectiveBlock d) {
        return preview(PlainText.of(d));
    }

    /** Plain text cut to a hover card's length. */
    static String preview(String text) {
        return text.length() > 300 ? text.substring(0, 297) + "..." : text;
    }

    static String slug(String text) {
        StringBuilder sb = new StringBuilder();
        boolean dash = false;
        for (char c : text.toLowerCase(java.util.Locale.ROOT).toCharArray()) {
            if (c == '\'' || c == '\u2019') {
                continue; // "The book’s model" is the-books-model
            }
            if (Character.isLetterOrDigit(c)) {
                sb.append(c);
                dash = false;
            } else if (!dash && sb.length() > 0) {
                sb.append('-');
                dash = true;
            }
        }
        String s = sb.toString();
        s = s.endsWith("-") ? s.substring(0, s.length() - 1) : s;
        return s.isEmpty() ? "section" : s;
    }

    private static String unique(String id, Set<String> taken) {
        if (!taken.contains(id)) {
            return id;
        }
        int i = 1;
        while (taken.contains(id + "-" + i)) {
            i++;
        }
        return id + "-" + i;
    }

    /** Whether a definition list's term lies in a {@code glossary} directive. */
    static boolean inGlossary(Node term) {
        for (Node n = term.getParent(); n != null; n = n.getParent()) {
            if (n instanceof DirectiveBlock d) {
                return Directives.get(d.name()) != null && Directives.get(d.name()).kind() == Directives.Kind.GLOSSARY;
            }
        }
        return false;
    }

    /** How a term is matched: case and runs of white space do not matter ("Residual  Stream" is "residual stream"). */
    public static String termKey(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(java.util.Locale.ROOT);
    }

    /** The glossary's entry for {@code text} (matched by {@link #termKey}), or null. */
    public Target term(String text) {
        read('m', text);
        String label = terms.get(termKey(text));
        return label == null ? null : labels.get(label);
    }

    /** Every glossary term, as written, in the order defined. */
    public java.util.List<String> terms() {
        return terms.values().stream().map(l -> labels.get(l).title()).toList();
    }

    public Target target(String label) {
        read('t', label);
        return labels.get(label);
    }

    /**
     * The node a label names: the heading after a {@code (label)=}, or the figure, table or equation
     * that carries it; null for a label before any other block.
     */
    public Node node(String label) {
        read('t', label);
        return labelled.get(label);
    }

    public Set<String> labels() {
        return labels.keySet();
    }

    /** The id given to a heading, figure, table or equation node, or null. */
    public String id(Node node) {
        return ids.get(node);
    }

    /** "3.2" for a numbered figure, table or equation node, or null. */
    public String number(Node node) {
        return numbers.get(node);
    }

    public boolean hasPage(String page) {
        read('p', page);
        return anchors.containsKey(page);
    }

    public boolean hasAnchor(String page, String anchor) {
        read('a', page + '\u0000' + anchor);
        Set<String> a = anchors.get(page);
        return a != null && a.contains(anchor);
    }

    /** Records an anchor the renderer adds itself (footnotes, references). */
    public void addAnchor(String page, String anchor) {
        anchors.computeIfAbsent(page, p -> new HashSet<>()).add(anchor);
    }

    /** "3" for the third numbered chapter, "A" for the first unnumbered page, "" for a page not in the book. */
    public String chapterNumber(String page) {
        read('c', page);
        return chapterNumbers.getOrDefault(page, "");
    }
}
