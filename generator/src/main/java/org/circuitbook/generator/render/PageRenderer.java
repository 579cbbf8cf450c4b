package org.circuitbook.generator.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.content.FrontMatter;
import org.circuitbook.generator.markdown.CheckedBook;
import org.circuitbook.generator.markdown.Citations;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.Html;
import org.circuitbook.generator.markdown.Markdown;
import org.circuitbook.generator.markdown.PageCache;
import org.circuitbook.generator.markdown.ParsedChapter;
import org.circuitbook.generator.markdown.RenderContext;
import org.circuitbook.generator.markdown.WidgetFigures;

/**
 * The render stage: each checked chapter to HTML inside the chapter layout, with the book's sidebar, its
 * table of contents, reading time and References section; the landing page; the 404 page; the search
 * index; and, when the site's URL is known, sitemap.xml and each chapter's social preview image. Returns
 * site-relative paths and their bytes; nothing is written here.
 */
public final class PageRenderer {
    /** Reading speed for the "N min read" estimate, in words per minute. */
    static final int WORDS_PER_MINUTE = 230;
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+(?:['\u2019][\\p{L}]+)*");

    private final SiteConfig config;
    private final Markdown markdown;
    private final Citations citations;
    private final WidgetFigures widgets;
    /** Compiled once: a dev server renders on every save. Mustache runs a compiled template from any thread. */
    private static final Layouts LAYOUTS = new Layouts();
    private final PageCache<Rendered> cache;

    public PageRenderer(SiteConfig config, Markdown markdown, Citations citations, WidgetFigures widgets) {
        this(config, markdown, citations, widgets, null);
    }

    /**
     * A renderer that reuses {@code cache}'s page of a chapter while nothing it read has changed (the dev server's
     * rebuilds; {@link PageCache}), and keeps each page it renders there; the caller has begun the cache's build.
     */
    public PageRenderer(SiteConfig config, Markdown markdown, Citations citations, WidgetFigures widgets,
                        PageCache<Rendered> cache) {
        this.config = config;
        this.markdown = markdown;
        this.citations = citations;
        this.widgets = widgets;
        this.cache = cache;
    }

    /**
     * What rendering one chapter gives, everything that reads the book: its body (with its References), reading
     * time, table of contents, search text, and the files its figures publish beside it (path to bytes:
     * {@link RenderContext#files}).
     */
    public record Rendered(String body, int minutes, List<Map<String, Object>> toc, List<SearchIndex.Section> sections,
                           Map<String, byte[]> files) {
    }

    /** What one chapter contributes to the pages around it. */
    private record Entry(ParsedChapter parsed, String href, String kicker, String title, int minutes,
                         List<Map<String, Object>> toc, List<SearchIndex.Section> sections) {
    }

    public Map<String, byte[]> render(CheckedBook book) {
        List<ParsedChapter> chapters = book.chapters();
        Map<String, byte[]> pages = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        List<String> bodies = new ArrayList<>();
        Map<String, byte[]> files = new java.util.TreeMap<>(); // the figures' drawings, after the pages
        // the chapters render side by side (each reads the checked book and writes nothing shared), in order after
        List<Rendered> rendered = chapters.parallelStream().map(parsed -> {
            String page = parsed.chapter().outputFile();
            Supplier<Rendered> work = () -> {
                RenderContext context = new RenderContext(page, book, citations, widgets);
                String body = markdown.render(parsed.document(), context) + references(context);
                List<SearchIndex.Section> sections = sections(parsed, book, context);
                int words = sections.stream().mapToInt(s -> words(s.text())).sum();
                return new Rendered(body, Math.max(1, Math.round(words / (float) WORDS_PER_MINUTE)),
                        toc(parsed, book, context), sections, Map.copyOf(context.files()));
            };
            return cache == null ? work.get() : cache.render(parsed, new RenderContext(page, book, citations, widgets), work);
        }).toList();
        for (int i = 0; i < chapters.size(); i++) {
            ParsedChapter parsed = chapters.get(i);
            Rendered r = rendered.get(i);
            bodies.add(r.body());
            files.putAll(r.files());
            FrontMatter fm = parsed.chapter().frontMatter();
            entries.add(new Entry(parsed, parsed.chapter().outputFile(), kicker(book, parsed), fm.title(), r.minutes(),
                    r.toc(), r.sections()));
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            ParsedChapter parsed = entry.parsed();
            FrontMatter fm = parsed.chapter().frontMatter();
            Map<String, Object> view = base(fm.title() + " · " + config.title(), fm.summary(), "");
            view.put("ogType", "article");
            view.put("ogTitle", fm.title());
            view.put("pageClass", "chapter-page");
            view.put("kicker", entry.kicker());
            view.put("title", fm.title());
            view.put("subtitle", fm.subtitle());
            view.put("authors", authors(fm));
            view.put("date", fm.dateText());
            view.put("isoDate", fm.date() == null ? "" : fm.date().toString());
            view.put("readingTime", entry.minutes() + " min read");
            view.put("toc", entry.toc());
            view.put("hasToc", !entry.toc().isEmpty());
            view.put("body", bodies.get(i));
            view.put("hasMath", !book.math().isEmpty() && hasMath(parsed, book));
            view.put("hasWidgets", firstWidget(parsed) != null);
            view.put("previous", i > 0 ? link(entries.get(i - 1)) : null);
            view.put("next", i + 1 < entries.size() ? link(entries.get(i + 1)) : null);
            view.put("hasSidebar", true);
            view.put("sidebar", sidebar(entries, i));
            if (!config.url().isEmpty()) {
                view.put("ogUrl", config.url() + entry.href());
                view.put("ogImage", config.url() + socialImage(entry));
                view.put("ogImageAlt", entry.kicker() + ": " + fm.title() + ", from " + config.title());
                pages.put(socialImage(entry), SocialImage.png(config.title(), entry.kicker(), fm.title(), fm.subtitle(),
                        drawing(parsed)));
            }
            pages.put(entry.href(), bytes(LAYOUTS.chapter(view)));
        }

        Map<String, Object> view = base(config.title(), config.subtitle(), "");
        view.put("ogType", "website");
        view.put("ogTitle", config.title());
        view.put("pageClass", "landing-page");
        view.put("subtitle", config.subtitle());
        view.put("intro", config.introParagraphs());
        view.put("chapters", contents(entries, true, book));
        if (!config.url().isEmpty()) {
            view.put("ogUrl", config.url());
            if (!entries.isEmpty()) {
                view.put("ogImage", config.url() + socialImage(entries.get(0)));
                view.put("ogImageAlt", config.title());
            }
        }
        pages.put("index.html", bytes(LAYOUTS.index(view)));
        pages.putAll(files);
        pages.put("404.html", bytes(LAYOUTS.notFound(notFound(entries))));
        pages.put("search-index.json", SearchIndex.json(entries.stream()
                .map(e -> new SearchIndex.Page(e.href(), e.kicker(), e.title(), e.sections())).toList()));
        if (!config.url().isEmpty()) {
            pages.put("sitemap.xml", sitemap(entries));
        }
        return pages;
    }

    /**
     * GitHub Pages (and most hosts) serve 404.html for a missing URL at any depth, so relative links would
     * break below the root: with the site's URL known, the page's links start with its path ("/book/"), which
     * works at any depth; without it they are relative, which works for a missing page at the top level.
     */
    private Map<String, Object> notFound(List<Entry> entries) {
        Map<String, Object> view = base("Page not found · " + config.title(), "", config.basePath());
        view.put("ogType", "website");
        view.put("ogTitle", "Page not found");
        view.put("pageClass", "not-found-page");
        view.put("chapters", contents(entries, false, null));
        return view;
    }

    private static String socialImage(Entry entry) {
        return "og/" + entry.href().replace(".html", ".png");
    }

    /** The chapter's first widget drawing, for its preview image; null when it has none. */
    private WidgetFigures.Drawing drawing(ParsedChapter parsed) {
        DirectiveBlock widget = firstWidget(parsed);
        WidgetFigures.Fallback fallback = widget == null ? null : widgets.fallback(widget);
        return fallback == null ? null : fallback.drawing();
    }

    /** "Chapter 3", or "Appendix A" for an unnumbered page. */
    private static String kicker(CheckedBook book, ParsedChapter parsed) {
        String number = book.index().chapterNumber(parsed.chapter().outputFile());
        return (parsed.chapter().frontMatter().numbered() ? "Chapter " : "Appendix ") + number;
    }

    private static List<Map<String, Object>> contents(List<Entry> entries, boolean details, CheckedBook book) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Entry e : entries) {
            Map<String, Object> m = link(e);
            if (details) {
                m.put("summary", e.parsed().chapter().frontMatter().summary());
                m.put("readingTime", e.minutes() + " min read");
                m.put("thumb", thumbnail(e.parsed(), book));
            }
            out.add(m);
        }
        return out;
    }

    /**
     * The chapter's first diagram, for its entry on the contents page (the diagram as the chapter shows it, with
     * the theme's colours; its ids are already its own), or null when it has none.
     */
    private static String thumbnail(ParsedChapter parsed, CheckedBook book) {
        for (Node node : parsed.document().getDescendants()) {
            if (node instanceof DirectiveBlock d && book.diagrams().get(d) != null) {
                return book.diagrams().get(d);
            }
        }
        return null;
    }

    /** Every chapter, the current one with its sections (second-level headings). */
    private static List<Map<String, Object>> sidebar(List<Entry> entries, int current) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            Map<String, Object> m = new HashMap<>();
            m.put("href", e.href());
            m.put("title", e.title());
            String kicker = e.kicker();
            m.put("number", kicker.substring(kicker.indexOf(' ') + 1));
            m.put("current", i == current);
            List<Map<String, Object>> sections = e.toc().stream().filter(t -> (Integer) t.get("level") == 2).toList();
            m.put("sections", sections);
            m.put("hasSections", !sections.isEmpty());
            out.add(m);
        }
        return out;
    }

    private byte[] sitemap(List<Entry> entries) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
        sb.append("<url><loc>").append(Html.escape(config.url())).append("</loc></url>\n");
        for (Entry e : entries) {
            sb.append("<url><loc>").append(Html.escape(config.url() + e.href())).append("</loc></url>\n");
        }
        return bytes(sb.append("</urlset>\n").toString());
    }

    /**
     * The chapter's text cut at its headings, for the search index: the opening (id "", the chapter's title),
     * then one section per heading of level 2 or below, each with its prose (no code or math).
     */
    private static List<SearchIndex.Section> sections(ParsedChapter parsed, CheckedBook book, RenderContext context) {
        List<SearchIndex.Section> out = new ArrayList<>();
        String id = "";
        String title = parsed.chapter().frontMatter().title();
        StringBuilder text = new StringBuilder();
        for (Node node = parsed.document().getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Heading h && h.getLevel() >= 2 && book.index().id(h) != null) {
                addSection(out, id, title, text);
                id = book.index().id(h);
                title = context.plainText(h);
                text.setLength(0);
            } else {
                String prose = context.proseText(node);
                if (!prose.isEmpty()) {
                    text.append(text.isEmpty() ? "" : " ").append(prose);
                }
            }
        }
        addSection(out, id, title, text);
        return out;
    }

    private static void addSection(List<SearchIndex.Section> out, String id, String title, StringBuilder text) {
        if (!id.isEmpty() || !text.isEmpty()) {
            out.add(new SearchIndex.Section(id, title, text.toString()));
        }
    }

    /** How many words the reading time counts in {@code text}. */
    public static int words(String text) {
        Matcher m = WORD.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The chapter's References: exactly the works it cited, in the style's order. */
    private String references(RenderContext context) {
        if (context.cited().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<section class=\"references\" id=\"references\">\n<h2>References</h2>\n<ol>\n");
        for (String key : citations.sorted(context.cited())) {
            sb.append("<li id=\"ref-").append(Html.escape(key)).append("\">").append(citations.reference(key)).append("</li>\n");
        }
        return sb.append("</ol>\n</section>\n").toString();
    }

    private static List<Map<String, Object>> authors(FrontMatter fm) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (FrontMatter.Author a : fm.authors()) {
            Map<String, Object> m = new HashMap<>();
            m.put("name", a.name());
            m.put("affiliation", a.affiliation());
            out.add(m);
        }
        return out;
    }

    /** Second- and third-level headings, linked by their ids. */
    private static List<Map<String, Object>> toc(ParsedChapter parsed, CheckedBook book, RenderContext context) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Node node : parsed.document().getDescendants()) {
            if (node instanceof Heading h && (h.getLevel() == 2 || h.getLevel() == 3) && book.index().id(h) != null) {
                Map<String, Object> entry = new HashMap<>();
                entry.put("id", book.index().id(h));
                entry.put("title", context.plainText(h)); // plain text: the template escapes it
                entry.put("level", h.getLevel());
                out.add(entry);
            }
        }
        return out.size() < 2 ? List.of() : out;
    }

    private Map<String, Object> base(String pageTitle, String description, String root) {
        Map<String, Object> view = new HashMap<>();
        view.put("language", config.language());
        view.put("siteTitle", config.title());
        view.put("pageTitle", pageTitle);
        view.put("description", description);
        view.put("root", root);
        view.put("hasSidebar", false);
        view.put("hasWidgets", false);
        view.put("hasMath", false);
        return view;
    }

    private static Map<String, Object> link(Entry entry) {
        Map<String, Object> link = new HashMap<>();
        link.put("href", entry.href());
        link.put("title", entry.title());
        link.put("kicker", entry.kicker());
        return link;
    }

    private static DirectiveBlock firstWidget(ParsedChapter parsed) {
        for (Node node : parsed.document().getDescendants()) {
            if (node instanceof DirectiveBlock d && "widget".equals(d.name())) {
                return d;
            }
        }
        return null;
    }

    private static boolean hasMath(ParsedChapter parsed, CheckedBook book) {
        for (Node node : parsed.document().getDescendants()) {
            if (book.math().containsKey(node)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
