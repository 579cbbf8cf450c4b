package org.circuitbook.generator.training;

import java.util.List;
import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.generator.diagnostics.Problems;

/**
 * A model spec, {@code content/models/NAME.yaml}: which model to train, on what data, how. The spec's
 * name is its file name; widgets refer to it as {@code :model: NAME}.
 *
 * <p>Kinds: {@code toy-superposition} (sections and defaults documented on {@link ToySuperpositionSpec}),
 * {@code sae-toy} ({@link SaeToySpec}), {@code modular-addition} ({@link ModularAdditionSpec}) and
 * {@code attention-only} ({@link AttentionOnlySpec}).
 *
 * @param canonical every resolved setting (defaults included) in a fixed order: what the cache key hashes,
 *                  so reformatting a spec or adding a comment does not retrain it
 */
public record ModelSpec(String name, String path, String kind, KindSpec settings, String canonical) {
    public static final Set<String> KINDS = new java.util.TreeSet<>(Set.of(ToySuperpositionSpec.KIND, SaeToySpec.KIND,
            ModularAdditionSpec.KIND, AttentionOnlySpec.KIND));
    private static final Set<String> SECTIONS = Set.of("model", "data", "trainer", "verify");

    /** Parses a spec file, recording problems; returns null when it cannot be used. */
    public static ModelSpec parse(String name, String path, String text, Problems problems) {
        int before = problems.count();
        YamlMap yaml = YamlMap.parse(path, text, 1, problems);
        if (yaml == null) {
            return null;
        }
        yaml.checkKeys(SECTIONS, "a model spec");
        YamlMap model = yaml.map("model");
        if (!yaml.has("model")) {
            yaml.error("model", "missing required section \"model\"", "a spec starts with 'model:' and 'kind: "
                    + ToySuperpositionSpec.KIND + "' under it");
            return null;
        }
        String kind = model.requireString("kind", "known kinds: " + String.join(", ", KINDS));
        if (kind == null) {
            return null;
        }
        if (!KINDS.contains(kind)) {
            model.error("kind", "unknown model kind \"" + kind + "\"", "known kinds: " + String.join(", ", KINDS));
            return null;
        }
        KindSpec settings = switch (kind) {
            case SaeToySpec.KIND -> SaeToySpec.from(model, yaml.map("data"), yaml.map("trainer"), yaml, yaml.items("verify"));
            case AttentionOnlySpec.KIND -> AttentionOnlySpec.from(model, yaml.map("data"), yaml.map("trainer"), yaml.map("verify"));
            case ModularAdditionSpec.KIND -> ModularAdditionSpec.from(model, yaml.map("data"), yaml.map("trainer"), yaml.map("verify"));
            default -> ToySuperpositionSpec.from(model, yaml.map("data"), yaml.map("trainer"), yaml.map("verify"));
        };
        if (settings == null || problems.count() > before) {
            return null; // a spec with a reported value is never built: its canonical form would hold the bad value
        }
        String excess = settings.footprint().excess();
        if (excess != null) {
            yaml.error("model", excess, settings.footprint().hint());
            return null;
        }
        return new ModelSpec(name, path, kind, settings, kind + "\n" + settings.canonical());
    }

    /** The toy-superposition settings; only call after checking the kind. */
    public ToySuperpositionSpec toy() {
        return (ToySuperpositionSpec) settings;
    }
}
