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
    /**
     * The templates are read from this class's own jar (or folder). Mustache's default resolver also asks the class
     * path for {@code NAME/} to tell a folder from a file: a name no jar holds, so each such lookup searched all 75
     * jars on the class path.
     */
    private final MustacheFactory factory = new DefaultMustacheFactory(name -> {
        java.io.InputStream in = Layouts.class.getResourceAsStream("/org/circuitbook/generator/templates/" + name);
        return in == null ? null : new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8);
    });
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
