package org.circuitbook.generator.training;

import java.util.List;
import org.circuitbook.generator.config.YamlMap;

/**
 * The sections of a model spec file, as a {@link ModelKind} parses them: {@code model} (holding {@code kind}),
 * {@code data}, {@code trainer} and {@code verify}. An absent section is an empty map, so a kind reads its
 * defaults the same way whether or not the section was written. Each map records problems at the
 * {@code path:line:col} of the key it concerns.
 *
 * @param root       the whole spec, for a kind whose {@code verify} section is a list ({@link #verifyItems()})
 * @param contentDir the site's {@code content/} directory, for a kind whose spec names a file in it (an imported
 *                   model's weights); null where the spec is parsed as text alone
 */
public record SpecSections(YamlMap root, YamlMap model, YamlMap data, YamlMap trainer, java.nio.file.Path contentDir) {
    public SpecSections(YamlMap root, YamlMap model, YamlMap data, YamlMap trainer) {
        this(root, model, data, trainer, null);
    }

    /** The {@code verify} section as a map of expectations (a list there is reported: call only for kinds that write a map). */
    public YamlMap verify() {
        return root.map("verify");
    }

    /** The {@code verify} section as a list (one expectation per item), for kinds that write it so. */
    public List<Object> verifyItems() {
        return root.items("verify");
    }
}
