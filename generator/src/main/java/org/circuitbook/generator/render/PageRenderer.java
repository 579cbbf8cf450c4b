package org.circuitbook.generator.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.Markdown;
import org.circuitbook.generator.markdown.ParsedChapter;

/**
 * The render stage: each chapter's Markdown tree to HTML inside the chapter layout, plus the landing
 * page. Returns site-relative paths and their bytes; nothing is written here.
 */
public final class PageRenderer {
    private final SiteConfig config;
    private final Markdown markdown;
    private final Layouts layouts = new Layouts();

    public PageRenderer(SiteConfig config, Markdown markdown) {
        this.config = config;
        this.markdown = markdown;
    }

    public Map<String, byte[]> render(List<ParsedChapter> chapters) {
        Map<String, byte[]> pages = new LinkedHashMap<>();
        for (int i = 0; i < chapters.size(); i++) {
            ParsedChapter parsed = chapters.get(i);
            var fm = parsed.chapter().frontMatter();
            Map<String, Object> view = base(fm.title() + " · " + config.title(), fm.summary());
            view.put("title", fm.title());
            view.put("subtitle", fm.subtitle());
            view.put("body", markdown.render(parsed.document()));
            view.put("hasWidgets", hasWidgets(parsed));
            view.put("previous", i > 0 ? link(chapters.get(i - 1)) : null);
            view.put("next", i + 1 < chapters.size() ? link(chapters.get(i + 1)) : null);
            pages.put(parsed.chapter().outputFile(), bytes(layouts.chapter(view)));
        }
        Map<String, Object> view = base(config.title(), config.subtitle());
        view.put("subtitle", config.subtitle());
        List<Map<String, Object>> toc = new ArrayList<>();
        for (ParsedChapter parsed : chapters) {
            Map<String, Object> entry = link(parsed);
            entry.put("summary", parsed.chapter().frontMatter().summary());
            toc.add(entry);
        }
        view.put("chapters", toc);
        view.put("hasWidgets", false);
        pages.put("index.html", bytes(layouts.index(view)));
        return pages;
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

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
