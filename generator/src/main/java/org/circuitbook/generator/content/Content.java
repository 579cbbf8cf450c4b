package org.circuitbook.generator.content;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.training.ModelSpec;

/**
 * Everything the build read from {@code content/}, before anything is checked or rendered.
 *
 * @param modelTexts   each model spec's file text, as {@code models} were parsed from it (by spec name)
 * @param bibliography the text of {@code content/references.bib}, or "" when there is none
 */
public record Content(Path root, SiteConfig config, List<Chapter> chapters, Map<String, ModelSpec> models,
                      Map<String, String> modelTexts, String bibliography) {
    public static final String BIBLIOGRAPHY = "content/references.bib";

    public Path contentDir() {
        return root.resolve("content");
    }
}
