package org.circuitbook.generator.content;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.training.ModelSpec;

/**
 * Everything the build read from {@code content/}, before anything is checked or rendered.
 *
 * @param bibliography the text of {@code content/references.bib}, or "" when there is none
 */
public record Content(Path root, SiteConfig config, List<Chapter> chapters, Map<String, ModelSpec> models,
                      String bibliography) {
    public static final String BIBLIOGRAPHY = "content/references.bib";

    public Path contentDir() {
        return root.resolve("content");
    }
}
