package org.circuitbook.generator.markdown;

import java.nio.file.Path;
import org.circuitbook.widgets.figures.Widgets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import com.vladsch.flexmark.ast.AutoLink;
import com.vladsch.flexmark.ast.Image;
import com.vladsch.flexmark.ast.Link;
import com.vladsch.flexmark.ast.Reference;
import com.vladsch.flexmark.util.ast.Node;
import com.vladsch.flexmark.util.sequence.BasedSequence;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.training.ModelSpec;

/**
 * The check stage: everything a chapter refers to must exist before anything is trained or written.
 * Directives and their options, widgets and their models, labels and cross-references, citation keys,
 * TeX (typeset here, so an error points at the formula), images and internal links. All problems are
 * collected and reported together.
 */
public final class BookChecker {
    public static final String STAGE = "check";
    static final List<String> ROLES = List.of("ref", "numref", "eq", "math", "cite", "cite:p", "cite:t", "metric", "claim", "term");

    private final LinkedFiles linkedFiles;
    private final Map<String, ModelSpec> models;
    private final Citations citations;
    private final MathTypesetter math;
    private final Widgets widgets;

    public BookChecker(Path contentDir, Map<String, ModelSpec> models, Citations citations, MathTypesetter math) {
        this(contentDir, models, citations, math, Widgets.BOOK);
    }

    /** A checker for a site whose chapters may use {@code widgets}. */
    public BookChecker(Path contentDir, Map<String, ModelSpec> models, Citations citations, MathTypesetter math,
                       Widgets widgets) {
        this.widgets = widgets;
        this.linkedFiles = new LinkedFiles(contentDir);
        this.models = models;
        this.citations = citations;
        this.math = math;
    }

    public CheckedBook check(List<ParsedChapter> chapters) {
        Problems problems = new Problems(STAGE);
        for (ParsedChapter parsed : chapters) {
            Nesting.check(parsed, problems);
        }
        problems.throwIfAny(); // everything after this walks the trees recursively
        BookIndex index = BookIndex.build(chapters, problems);
        CheckedBook book = CheckedBook.empty(chapters, index);
        for (ParsedChapter parsed : chapters) {
            checkChapter(parsed, book, problems);
        }
        problems.throwIfAny();
        return book;
    }

    private void checkChapter(ParsedChapter parsed, CheckedBook book, Problems problems) {
        String path = parsed.chapter().path();
        String page = parsed.chapter().outputFile();
        SourceMap map = SourceMap.of(parsed.chapter().body());
        HtmlPolicy.Chapter html = new HtmlPolicy.Chapter();
        for (Node node : parsed.document().getDescendants()) {
            int offset = node.getStartOffset();
            if (node instanceof DirectiveBlock d) {
                checkDirective(path, d, book, problems);
                if (!d.closed() || Directives.get(d.name()) == null) {
                    continue;
                }
                if (Directives.get(d.name()).kind() == Directives.Kind.GLOSSARY) {
                    checkGlossary(path, map, d, problems);
                } else if (Directives.get(d.name()).kind() == Directives.Kind.SOLUTION && !d.argument().isEmpty()) {
                    BookIndex.Target exercise = book.index().target(d.argument());
                    if (exercise == null || exercise.kind() != BookIndex.Kind.EXERCISE) {
                        problems.add(path, d.line(), d.column(), "solution to \"" + d.argument() + "\", which is not "
                                + "the label of an exercise", exerciseHint(d.argument(), book.index()));
                    }
                }
                if (Directives.get(d.name()).kind() == Directives.Kind.MATH) {
                    typeset(path, map, d, d.rawBody(), true, d::rawDocumentOffset, book, problems);
                } else if (Directives.get(d.name()).kind() == Directives.Kind.FIGURE) {
                    if (!UrlPolicy.allowed(d.argument(), UrlPolicy.Use.IMAGE)) {
                        problems.add(path, d.line(), d.column(), HtmlPolicy.unsafeUrl(UrlPolicy.Use.IMAGE, d.argument()),
                                UrlPolicy.Use.IMAGE.hint());
                    } else {
                        checkFile(path, d.line(), d.column(), d.argument(), "image", book, problems);
                        byte[] svg = book.assets().get(Links.contentRelative(d.argument()));
                        if (Diagrams.isDiagram(d.argument()) && svg != null) {
                            DirectiveBlock.Option alt = d.options().get("alt");
                            Diagrams.Result diagram = Diagrams.read(d.argument(), svg, alt == null ? "" : alt.value());
                            String file = "content/" + Links.contentRelative(d.argument());
                            diagram.problems().forEach(p -> problems.add(file, p.line(), p.column(), p.message(), Diagrams.HINT));
                            if (diagram.svg() != null) {
                                book.diagrams().put(d, diagram.svg());
                            }
                        }
                    }
                }
            } else if (node instanceof MystNodes.MathBlock m) {
                if (!m.closed) {
                    problems.add(path, m.line, m.column, "display math opened with $$ is never closed", "end it with $$");
                } else if (m.badLabel) {
                    problems.add(path, m.line, m.column, "text after the closing $$ is not a label",
                            "write a label in parentheses, e.g. $$ E = mc^2 $$ (eq-energy)");
                } else {
                    typeset(path, map, m, m.tex, true, m::documentOffset, book, problems);
                }
            } else if (node instanceof MystNodes.InlineMath m) {
                typeset(path, map, m, m.tex, m.getChars().startsWith("$$"), o -> m.texOffset + o, book, problems);
            } else if (node instanceof MystNodes.Role r) {
                checkRole(path, map, page, r, book, problems);
            } else if (node instanceof MystNodes.Citation c) {
                for (MystNodes.CiteItem item : c.items) {
                    checkKey(path, map, item.key(), item.offset(), book, problems);
                }
            } else if (node instanceof Image img) {
                if (safeUrl(path, map, img, img.getUrl(), UrlPolicy.Use.IMAGE, problems)) {
                    checkFile(path, map.line(offset), map.column(offset), img.getUrl().toString(), "image", book, problems);
                }
            } else if (node instanceof Link link) {
                if (safeUrl(path, map, link, link.getUrl(), UrlPolicy.Use.LINK, problems)) {
                    checkLink(path, map.line(offset), map.column(offset), page, link.getUrl().toString(),
                            link.getText().isBlank(), book, problems);
                }
            } else if (node instanceof AutoLink link) {
                safeUrl(path, map, link, link.getUrl(), UrlPolicy.Use.LINK, problems);
            } else if (node instanceof Reference ref) {
                safeUrl(path, map, ref, ref.getUrl(), UrlPolicy.Use.LINK, problems);
            } else if (RawHtml.is(node)) {
                RawHtml.check(path, map, node, html, problems, (line, column, tag, url) -> {
                    if (tag.equals("img")) {
                        checkFile(path, line, column, url, "image", book, problems);
                    } else {
                        checkLink(path, line, column, page, url, false, book, problems);
                    }
                });
            } else if (node instanceof com.vladsch.flexmark.ext.definition.DefinitionTerm term && misplacedDefinition(term)) {
                // Flexmark's definition lists mis-nest two terms sharing one definition inside a directive
                problems.add(path, map.line(offset), map.column(offset), "a second term for the same definition is not"
                        + " supported inside a directive", "give each term its own definition, or link another spelling"
                        + " with {term}`text <term>`");
            } else if (node instanceof com.vladsch.flexmark.ext.footnotes.Footnote f && f.getFootnoteBlock() == null) {
                String name = f.getText().toString();
                problems.add(path, map.line(offset), map.column(offset), "footnote [^" + name + "] has no definition",
                        "add a line \"[^" + name + "]: the note's text\" after the paragraph or at the end of the chapter");
            }
        }
    }

    /** Reports a URL {@link UrlPolicy} refuses, quoted as written; true when it is allowed. */
    private static boolean safeUrl(String path, SourceMap map, Node node, BasedSequence url, UrlPolicy.Use use,
                                   Problems problems) {
        if (UrlPolicy.allowed(url.unescape(), use)) {
            return true;
        }
        problems.add(path, map.line(node.getStartOffset()), map.column(node.getStartOffset()),
                HtmlPolicy.unsafeUrl(use, url.toString()), use.hint());
        return false;
    }

    private void checkDirective(String path, DirectiveBlock d, CheckedBook book, Problems problems) {
        if (!d.closed()) {
            problems.add(path, d.line(), d.column(), "directive {" + d.name() + "} is never closed",
                    "end it with a line of " + d.fence());
        }
        for (Map.Entry<String, DirectiveBlock.Option> again : d.repeatedOptions()) {
            DirectiveBlock.Option first = d.options().get(again.getKey());
            problems.add(path, again.getValue().line(), again.getValue().column(), "option \"" + again.getKey()
                    + "\" is given twice", "it was first set at line " + first.line() + "; keep one of them");
        }
        Directives.Spec spec = Directives.get(d.name());
        if (spec == null) {
            problems.add(path, d.line(), d.column(), "unknown directive \"" + d.name() + "\"",
                    hint(d.name(), Directives.names()));
            return;
        }
        if (spec.kind() == Directives.Kind.WIDGET) {
            WidgetChecks.check(path, d, models, widgets, problems);
            return;
        }
        for (Map.Entry<String, DirectiveBlock.Option> o : d.options().entrySet()) {
            if (!spec.options().contains(o.getKey())) {
                problems.add(path, o.getValue().line(), o.getValue().column(), "unknown option \"" + o.getKey()
                        + "\" for directive " + d.name(), "known: " + String.join(", ", new TreeSet<>(spec.options())));
            }
        }
        if (spec.needsArgument() && d.argument().isEmpty()) {
            problems.add(path, d.line(), d.column(), "directive " + d.name() + " needs an argument", spec.argumentHint());
        }
        DirectiveBlock.Option label = d.options().containsKey("label") ? d.options().get("label") : d.options().get("name");
        boolean boxed = spec.kind() == Directives.Kind.ADMONITION || spec.kind() == Directives.Kind.EXERCISE
                || spec.kind() == Directives.Kind.SOLUTION;
        if (boxed && label != null && MystBlockParsers.labelProblem(label.value()) != null) {
            // figures, tables and equations are checked as BookIndex registers them; an admonition's label is its id
            problems.add(path, label.line(), label.column(), MystBlockParsers.labelProblem(label.value()),
                    MystBlockParsers.LABEL_HINT);
        }
        DirectiveBlock.Option cls = d.options().get("class");
        if (boxed && cls != null && !cls.value().equals("dropdown")) {
            problems.add(path, cls.line(), cls.column(), "unknown class \"" + cls.value() + "\" for directive "
                    + d.name(), "known: dropdown");
        }
        if (spec.kind() == Directives.Kind.FIGURE || spec.kind() == Directives.Kind.TABLE) {
            Directives.checkLayoutClass(path, d, problems);
        }
        if (spec.kind() == Directives.Kind.FIGURE) {
            Directives.checkWidth(path, d, problems);
        }
        if (spec.kind() == Directives.Kind.FIGURE && !d.options().containsKey("alt")) {
            problems.add(path, d.line(), d.column(), "figure has no :alt: text",
                    "describe the image for readers who cannot see it, e.g. :alt: A plot of loss against steps");
        }
    }

    /** A glossary holds definition lists only: each term on its line, its definition after {@code : }. */
    private static void checkGlossary(String path, SourceMap map, DirectiveBlock d, Problems problems) {
        boolean any = false;
        for (Node child : d.getChildren()) {
            if (child instanceof com.vladsch.flexmark.ext.definition.DefinitionList) {
                any = true;
            } else if (!(child instanceof com.vladsch.flexmark.util.ast.BlankLine)) {
                int offset = child.getStartOffset();
                problems.add(path, map.line(offset), map.column(offset), "a glossary holds only terms and their definitions",
                        GLOSSARY_HINT);
            }
        }
        if (!any && d.closed()) {
            problems.add(path, d.line(), d.column(), "glossary defines no terms", GLOSSARY_HINT);
        }
    }

    /** A term Flexmark left under a list detached from the document (a second term of one definition, in a directive). */
    private static boolean misplacedDefinition(com.vladsch.flexmark.ext.definition.DefinitionTerm term) {
        Node root = term;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        return !(root instanceof com.vladsch.flexmark.util.ast.Document);
    }

    static final String GLOSSARY_HINT = "write each term on a line of its own and its definition on the next line,"
            + " after \": \"";

    private static String exerciseHint(String label, BookIndex index) {
        List<String> exercises = index.labels().stream()
                .filter(l -> index.target(l).kind() == BookIndex.Kind.EXERCISE).sorted().toList();
        return exercises.isEmpty() ? "give the exercise a :label: and name it after {solution}"
                : hint(label, new TreeSet<>(exercises));
    }

    private void typeset(String path, SourceMap map, Node node, String tex, boolean display,
                         java.util.function.IntUnaryOperator toDocument, CheckedBook book, Problems problems) {
        int deep = tooDeepGroup(tex);
        if (deep >= 0) {
            // KaTeX recurses per group: 10,000 braces take it 20 s to fail with "Maximum call stack size exceeded"
            int offset = toDocument.applyAsInt(deep);
            problems.add(path, map.line(offset), map.column(offset), "TeX nested more than " + TEX_GROUP_LIMIT
                    + " groups deep", "the limit is " + TEX_GROUP_LIMIT + " braces inside one another");
            return;
        }
        try {
            book.math().put(node, math.typeset(tex, display));
        } catch (MathTypesetter.TexError e) {
            int offset = toDocument.applyAsInt(Math.max(0, e.position()));
            problems.add(path, map.line(offset), map.column(offset), "TeX error: " + e.getMessage(),
                    "KaTeX supports most of LaTeX's math mode; see katex.org/docs/supported");
        }
    }

    static final int TEX_GROUP_LIMIT = 100;

    /** The offset of the first brace that opens a group deeper than {@link #TEX_GROUP_LIMIT}, or -1. */
    static int tooDeepGroup(String tex) {
        int depth = 0;
        for (int i = 0; i < tex.length(); i++) {
            char c = tex.charAt(i);
            if (c == '\\') {
                i++; // \{ and \} are literal braces
            } else if (c == '{' && ++depth > TEX_GROUP_LIMIT) {
                return i;
            } else if (c == '}') {
                depth = Math.max(0, depth - 1);
            }
        }
        return -1;
    }

    private void checkRole(String path, SourceMap map, String page, MystNodes.Role r, CheckedBook book, Problems problems) {
        int line = map.line(r.getStartOffset());
        int column = map.column(r.getStartOffset());
        switch (r.name) {
            case "math" -> typeset(path, map, r, r.content, false, o -> r.contentOffset + o, book, problems);
            case "cite", "cite:p", "cite:t" -> {
                int at = r.contentOffset;
                for (String key : r.content.split(",")) {
                    checkKey(path, map, key.strip(), at + key.indexOf(key.strip()), book, problems);
                    at += key.length() + 1;
                }
            }
            case "ref", "numref", "eq" -> {
                RoleTarget t = RoleTarget.parse(r.content);
                BookIndex.Target target = book.index().target(t.label());
                if (target == null) {
                    problems.add(path, line, column, "unknown label \"" + t.label() + "\"", hint(t.label(), book.index().labels()));
                } else if (r.name.equals("eq") && target.kind() != BookIndex.Kind.EQUATION) {
                    problems.add(path, line, column, "{eq} refers to \"" + t.label() + "\", which is a "
                            + target.kind().word.toLowerCase(java.util.Locale.ROOT) + ", not an equation", "use {ref} or {numref}");
                } else if (r.name.equals("numref") && target.number().isEmpty()) {
                    problems.add(path, line, column, "{numref} refers to \"" + t.label() + "\", which has no number",
                            "use {ref}");
                } else if (target.kind() == BookIndex.Kind.SECTION && target.title().isEmpty() && t.text() == null) {
                    problems.add(path, line, column, "label \"" + t.label() + "\" has no title to show",
                            "give the reference its own text: {ref}`some text <" + t.label() + ">`");
                }
            }
            case "metric" -> checkMetric(path, line, column, r, book, problems);
            case "claim" -> checkClaim(path, line, column, r, book, problems);
            case "term" -> {
                RoleTarget t = RoleTarget.parse(r.content);
                if (book.index().term(t.label()) == null) {
                    List<String> terms = book.index().terms();
                    problems.add(path, line, column, "unknown term \"" + t.label() + "\"", terms.isEmpty()
                            ? "define it in a {glossary} directive" : termHint(t.label(), terms));
                }
            }
            default -> problems.add(path, line, column, "unknown role \"" + r.name + "\"", "known: " + String.join(", ", ROLES));
        }
    }

    private void checkMetric(String path, int line, int column, MystNodes.Role r, CheckedBook book, Problems problems) {
        MetricQuery q;
        try {
            q = MetricQuery.parse(r.content);
        } catch (MetricQuery.Invalid e) {
            problems.add(path, line, column, e.getMessage(), e.hint);
            return;
        }
        if (knownSource(path, line, column, q, "{metric}", problems)) {
            book.metrics().put(r, q);
        }
    }

    private void checkClaim(String path, int line, int column, MystNodes.Role r, CheckedBook book, Problems problems) {
        Claim claim;
        try {
            claim = Claim.parse(r.content);
        } catch (MetricQuery.Invalid e) {
            problems.add(path, line, column, e.getMessage(), e.hint);
            return;
        }
        boolean known = true;
        for (MetricQuery q : claim.queries()) {
            known &= knownSource(path, line, column, q, "{claim}", problems);
        }
        if (known) {
            book.claims().put(r, claim);
        }
    }

    /** Whether the query's model and file exist; if not, says so at the role. */
    private boolean knownSource(String path, int line, int column, MetricQuery q, String role, Problems problems) {
        ModelSpec spec = models.get(q.model());
        if (spec == null) {
            problems.add(path, line, column, "unknown model \"" + q.model() + "\" in " + role, hint(q.model(), models.keySet()));
            return false;
        }
        List<String> files = spec.settings().fileNames().stream()
                .map(f -> f.substring(0, f.length() - ".safetensors".length())).toList();
        if (!q.file().equals("*") && !q.file().equals("spec") && !files.contains(q.file())) {
            problems.add(path, line, column, "model " + q.model() + " has no file \"" + q.file() + "\"",
                    "known: spec, *, " + String.join(", ", files.size() > 6
                            ? java.util.stream.Stream.concat(files.stream().limit(5), java.util.stream.Stream.of("...")).toList()
                            : files));
            return false;
        }
        return true;
    }

    private void checkKey(String path, SourceMap map, String key, int offset, CheckedBook book, Problems problems) {
        book.cited().add(key);
        if (!citations.has(key)) {
            problems.add(path, map.line(offset), map.column(offset), "unknown citation key \"" + key + "\"",
                    citations.keys().isEmpty() ? "add it to content/references.bib" : hint(key, citations.keys()));
        }
    }

    private void checkLink(String path, int line, int column, String page, String url, boolean blankText,
                           CheckedBook book, Problems problems) {
        if (url.isEmpty() || Links.isExternal(url)) {
            return;
        }
        Links.Resolved r = Links.resolve(url, page, book.index());
        if (r.page() == null) {
            checkFile(path, line, column, r.file(), "linked file", book, problems);
        } else if (!book.index().hasPage(r.page())) {
            problems.add(path, line, column, "broken link \"" + url + "\": no page " + r.page(), "pages are written as SLUG.html"
                    + " for chapters/NN-SLUG.md; you can also link to the .md file");
        } else if (r.anchor() != null && !book.index().hasAnchor(r.page(), r.anchor())) {
            problems.add(path, line, column, "broken link \"" + url + "\": no anchor #" + r.anchor() + " in " + r.page(),
                    "link to a heading's id or a :label:");
        } else if (blankText && r.anchor() != null && book.index().target(r.anchor()) == null) {
            problems.add(path, line, column, "empty link text for #" + r.anchor() + ", which is not a label",
                    "give the link text, or point it at a :label:");
        }
    }

    private void checkFile(String path, int line, int column, String file, String what, CheckedBook book, Problems problems) {
        linkedFiles.check(path, line, column, file, what, book.assets(), problems);
    }

    /** For an unknown term: the closest defined one, written so the author's wording can stay. */
    static String termHint(String wrong, List<String> terms) {
        String close = hint(BookIndex.termKey(wrong), terms.stream().map(BookIndex::termKey).toList());
        if (close.startsWith("did you mean")) {
            String term = close.substring(close.indexOf('"') + 1, close.lastIndexOf('"'));
            return "did you mean \"" + term + "\"? to keep your wording, write {term}`" + wrong.strip() + " <" + term
                    + ">`; or define it in the glossary";
        }
        return "define it in the glossary (" + terms.size() + (terms.size() == 1 ? " term" : " terms") + " so far)";
    }

    /** "did you mean ..." from the closest known names. */
    static String hint(String wrong, java.util.Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(wrong, k);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        if (best != null && bestDistance <= Math.max(2, wrong.length() / 3)) {
            return "did you mean \"" + best + "\"?";
        }
        if (known.isEmpty()) {
            return "there are none yet";
        }
        List<String> sorted = known.stream().sorted().toList();
        return "known: " + String.join(", ", sorted.subList(0, Math.min(8, sorted.size())))
                + (sorted.size() > 8 ? ", ... (" + sorted.size() + " in all)" : "");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
