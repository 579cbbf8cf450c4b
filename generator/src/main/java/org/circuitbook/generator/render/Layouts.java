package org.circuitbook.generator.render;

import java.io.StringWriter;
import java.util.Map;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheFactory;

/**
 * The Mustache layouts bundled with the generator ({@code base}, {@code chapter}, {@code index}, {@code 404}).
 * Views are plain maps built by {@link PageRenderer}, which sets every key a template uses.
 */
final class Layouts {
    private final MustacheFactory factory = new DefaultMustacheFactory("org/circuitbook/generator/templates");
    private final Mustache chapter = factory.compile("chapter.mustache");
    private final Mustache index = factory.compile("index.mustache");
    private final Mustache notFound = factory.compile("404.mustache");

    String chapter(Map<String, Object> view) {
        return run(chapter, view);
    }

    String index(Map<String, Object> view) {
        return run(index, view);
    }

    String notFound(Map<String, Object> view) {
        return run(notFound, view);
    }

    private static String run(Mustache template, Map<String, Object> view) {
        StringWriter out = new StringWriter();
        template.execute(out, view);
        return out.toString();
    }
}
