package org.circuitbook.generator.render;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.Json;

/**
 * {@code search-index.json}: the text of every section of every chapter, for the search box's client
 * ({@code assets/search.js}), which searches it in the browser, with no server. Plain text only (what
 * {@code RenderContext.proseText} reads: no code, no math), one entry per heading:
 *
 * <pre>{"pages": [{"href": "superposition.html", "kicker": "Chapter 3", "title": "Superposition",
 *   "sections": [{"id": "", "title": "Superposition", "text": "A neural network's hidden layer ..."},
 *                {"id": "toy-models", "title": "Toy models", "text": "..."}]}]}</pre>
 *
 * A section with id "" is the chapter's opening, before its first heading. Written in a fixed order, so
 * two builds of the same book write the same bytes.
 */
final class SearchIndex {
    record Section(String id, String title, String text) {
    }

    record Page(String href, String kicker, String title, List<Section> sections) {
    }

    private SearchIndex() {
    }

    static byte[] json(List<Page> pages) {
        List<Object> out = new ArrayList<>();
        for (Page p : pages) {
            Map<String, Object> page = new LinkedHashMap<>();
            page.put("href", p.href());
            page.put("kicker", p.kicker());
            page.put("title", p.title());
            List<Object> sections = new ArrayList<>();
            for (Section s : p.sections()) {
                Map<String, Object> section = new LinkedHashMap<>();
                section.put("id", s.id());
                section.put("title", s.title());
                section.put("text", s.text());
                sections.add(section);
            }
            page.put("sections", sections);
            out.add(page);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("pages", out);
        return (Json.write(root) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
