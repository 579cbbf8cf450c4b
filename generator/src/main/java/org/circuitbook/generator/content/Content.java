package org.circuitbook.generator.content;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.circuitbook.generator.config.SiteConfig;
import org.circuitbook.generator.training.ModelSpec;

/** Everything the build read from {@code content/}, before anything is checked or rendered. */
public record Content(Path root, SiteConfig config, List<Chapter> chapters, Map<String, ModelSpec> models) {
}
