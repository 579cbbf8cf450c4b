package org.circuitbook.generator.training;

import java.util.Set;
import org.circuitbook.generator.config.YamlMap;
import org.circuitbook.generator.diagnostics.Problems;

/**
 * A model spec, {@code content/models/NAME.yaml}: which model to train, on what data, how. The spec's
 * name is its file name; widgets refer to it as {@code :model: NAME}.
 *
 * <p>{@code model.kind} names a {@link ModelKind} of the build's {@link ModelKinds} ({@link ModelKinds#ALL}
 * unless a test or site adds its own); each kind documents its sections and defaults on its settings record
 * (e.g. {@link ToySuperpositionSpec}).
 *
 * @param canonical every resolved setting (defaults included) in a fixed order: what the cache key hashes,
 *                  so reformatting a spec or adding a comment does not retrain it; the kind's name, then
 *                  {@link KindSpec#canonical()}
 */
public record ModelSpec(String name, String path, String kind, KindSpec settings, String canonical,
                        java.util.List<String> expectations) {
    private static final Set<String> SECTIONS = Set.of("model", "data", "trainer", "verify");

    /** Parses a spec file of one of the book's kinds ({@link ModelKinds#ALL}), recording problems. */
    public static ModelSpec parse(String name, String path, String text, Problems problems) {
        return parse(name, path, text, problems, ModelKinds.ALL);
    }

    /** Parses a spec file whose kind is one of {@code kinds}, recording problems; returns null when it cannot be used. */
    public static ModelSpec parse(String name, String path, String text, Problems problems, ModelKinds kinds) {
        return parse(name, path, text, problems, kinds, null);
    }

    /**
     * Parses a spec file whose kind is one of {@code kinds}, the site's {@code content/} being {@code contentDir}
     * (for a kind that reads a file there; null: none may), recording problems; null when it cannot be used.
     */
    public static ModelSpec parse(String name, String path, String text, Problems problems, ModelKinds kinds,
                                  java.nio.file.Path contentDir) {
        int before = problems.count();
        YamlMap yaml = YamlMap.parse(path, text, 1, problems);
        if (yaml == null) {
            return null;
        }
        yaml.checkKeys(SECTIONS, "a model spec");
        YamlMap model = yaml.map("model");
        String known = "known kinds: " + String.join(", ", kinds.names());
        if (!yaml.has("model")) {
            yaml.error("model", "missing required section \"model\"", "a spec starts with 'model:' and 'kind: "
                    + kinds.list().get(0).name() + "' under it");
            return null;
        }
        String kindName = model.requireString("kind", known);
        if (kindName == null) {
            return null;
        }
        ModelKind kind = kinds.find(kindName);
        if (kind == null) {
            model.error("kind", "unknown model kind \"" + kindName + "\"", known);
            return null;
        }
        KindSpec settings = kind.parse(new SpecSections(yaml, model, yaml.map("data"), yaml.map("trainer"), contentDir));
        if (settings == null || problems.count() > before) {
            return null; // a spec with a reported value is never built: its canonical form would hold the bad value
        }
        String excess = settings.footprint().excess();
        if (excess != null) {
            yaml.error("model", excess, settings.footprint().hint());
            return null;
        }
        // the verify section as written ("induction_score_at_least: 0.5"), for the figures' notes on their models
        String verify = yaml.shown("verify");
        java.util.List<String> expectations = verify.isEmpty() ? java.util.List.of()
                : java.util.List.of(verify.startsWith("{") ? verify.substring(1, verify.length() - 1) : verify);
        return new ModelSpec(name, path, kindName, settings, kindName + "\n" + settings.canonical(), expectations);
    }

    /** The toy-superposition settings; only call after checking the kind. */
    public ToySuperpositionSpec toy() {
        return (ToySuperpositionSpec) settings;
    }

    /** The spec's resolved settings as structured data ({@link KindSpec#values()}). */
    public java.util.Map<String, Object> values() {
        return settings.values();
    }
}
