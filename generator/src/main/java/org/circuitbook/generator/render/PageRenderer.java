package org.circuitbook.generator.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.vladsch.flexmark.ast.Heading;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.content.FrontMatter;
import org.circuitbook.generator.markdown.CheckedBook;
import org.circuitbook.generator.markdown.Citations;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.Html;
import org.circuitbook.generator.markdown.Markdown;
import org.circuitbook.generator.markdown.ParsedChapter;
import org.circuitbook.generator.markdown.RenderContext;
import org.circuitbook.generator.markdown.WidgetFigures;

/**
 * The render stage: each checked chapter to HTML inside the chapter layout, with its table of contents
 * and its References section, plus the landing page. Returns site-relative paths and their bytes;
 * nothing is written here.
 */
public final class PageRenderer {
    private final SiteConfig config;
    private final Markdown markdown;
    private final Citations citations;
    private final WidgetFigures widgets;
    private final Layouts layouts = new Layouts();

    public PageRenderer(SiteConfig config, Markdown markdown, Citations citations, WidgetFigures widgets) {
        this.config = config;
        this.markdown = markdown;
        this.citations = citations;
        this.widgets = widgets;
    }

    public Map<String, byte[]> render(CheckedBook book) {
        List<ParsedChapter> chapters = book.chapters();
        Map<String, byte[]> pages = new LinkedHashMap<>();
        for (int i = 0; i < chapters.size(); i++) {
            ParsedChapter parsed = chapters.get(i);
            String page = parsed.chapter().outputFile();
            FrontMatter fm = parsed.chapter().frontMatter();
            RenderContext context = new RenderContext(page, book, citations, widgets);
            String body = markdown.render(parsed.document(), context) + references(context);
            Map<String, Object> view = base(fm.title() + " · " + config.title(), fm.summary());
            view.put("title", fm.title());
            view.put("subtitle", fm.subtitle());
            view.put("chapterNumber", i + 1);
            view.put("authors", authors(fm));
            view.put("hasAuthors", !fm.authors().isEmpty());
            view.put("date", fm.dateText());
            view.put("isoDate", fm.date() == null ? "" : fm.date().toString());
            List<Map<String, Object>> toc = toc(parsed, book, context);
            view.put("toc", toc);
            view.put("hasToc", !toc.isEmpty());
            view.put("body", body);
            view.put("hasMath", !book.math().isEmpty() && hasMath(parsed, book));
            view.put("hasWidgets", hasWidgets(parsed));
            view.put("previous", i > 0 ? link(chapters.get(i - 1)) : null);
            view.put("next", i + 1 < chapters.size() ? link(chapters.get(i + 1)) : null);
            pages.put(page, bytes(layouts.chapter(view)));
        }
        Map<String, Object> view = base(config.title(), config.subtitle());
        view.put("subtitle", config.subtitle());
        view.put("intro", config.introParagraphs());
        List<Map<String, Object>> toc = new ArrayList<>();
        for (int i = 0; i < chapters.size(); i++) {
            Map<String, Object> entry = link(chapters.get(i));
            entry.put("number", i + 1);
            entry.put("summary", chapters.get(i).chapter().frontMatter().summary());
            toc.add(entry);
        }
        view.put("chapters", toc);
        view.put("hasWidgets", false);
        view.put("hasMath", false);
        pages.put("index.html", bytes(layouts.index(view)));
        return pages;
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

    private Map<String, Object> base(String pageTitle, String description) {
        Map<String, Object> view = new HashMap<>();
        view.put("language", config.language());
        view.put("siteTitle", config.title());
        view.put("pageTitle", pageTitle);
        view.put("description", description);
        return view;
    }

    private static Map<String, Object> link(ParsedChapter parsed) {
        Map<String, Object> link = new HashMap<>();
        link.put("href", parsed.chapter().outputFile());
        link.put("title", parsed.chapter().frontMatter().title());
        return link;
    }

    private static boolean hasWidgets(ParsedChapter parsed) {
        for (Node node : parsed.document().getDescendants()) {
            if (node instanceof DirectiveBlock d && "widget".equals(d.name())) {
                return true;
            }
        }
        return false;
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
