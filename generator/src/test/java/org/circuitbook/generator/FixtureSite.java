package org.circuitbook.generator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.circuitbook.generator.diagnostics.BuildException;

/**
 * A whole site written as one string, Hugo's txtar style: {@code -- path --} lines start files.
 * Builds go to their own {@code site/} and {@code .cache/} under the fixture's directory.
 */
public final class FixtureSite {
    /** A small, fast spec: trains in well under a second per sparsity. */
    public static final String TINY_SPEC = """
            model:
              kind: toy-superposition
              n_features: 5
              d_hidden: 2
            data:
              importance_decay: 0.9
              sparsities: [0, 0.9]
            trainer:
              steps: 200
              batch_size: 64
              restarts: 1
            """;

    /** A one-chapter site whose one widget runs the {@link #TINY_SPEC} model "toy": the smallest site that trains. */
    public static final String TOY_WIDGET_SITE = """
            -- content/site.yaml --
            title: Cached
            -- content/chapters/01-a.md --
            ---
            title: A
            ---
            :::{widget} superposition
            :model: toy
            :::
            -- content/models/toy.yaml --
            """ + TINY_SPEC;

    public final Path root;
    public final List<String> log = new ArrayList<>();

    private FixtureSite(Path root) {
        this.root = root;
    }

    /** Writes the files of {@code txtar} under {@code root}. */
    public static FixtureSite write(Path root, String txtar) {
        String path = null;
        StringBuilder body = new StringBuilder();
        for (String line : txtar.split("\n", -1)) {
            if (line.startsWith("-- ") && line.endsWith(" --")) {
                flush(root, path, body);
                path = line.substring(3, line.length() - 3).strip();
                body.setLength(0);
            } else if (path != null) {
                body.append(line).append('\n');
            }
        }
        flush(root, path, body);
        return new FixtureSite(root);
    }

    /** A copy of a site already on disk (a directory fixture) in {@code work}, to build there. */
    public static FixtureSite copyOf(Path source, Path work) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = work.resolve(source.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FixtureSite(work);
    }

    private static void flush(Path root, String path, StringBuilder body) {
        if (path == null) {
            return;
        }
        try {
            Path file = root.resolve(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, body.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path site() {
        return root.resolve("site");
    }

    /** Builds with the default layout (site/, .cache/ under root); log lines are collected. */
    public BuildPipeline.Result build() {
        return new BuildPipeline(BuildPipeline.Options.defaults(root), log::add).run();
    }

    /**
     * Builds with the default layout and {@code options} applied to it, e.g.
     * {@code site.build(o -> o.withKinds(new TinyMlpKind()))}; log lines are collected.
     */
    public BuildPipeline.Result build(java.util.function.UnaryOperator<BuildPipeline.Options> options) {
        return new BuildPipeline(options.apply(BuildPipeline.Options.defaults(root)), log::add).run();
    }

    /** Builds and expects failure; returns the diagnostics, one string each. */
    public List<String> buildErrors() {
        return buildErrors(o -> o);
    }

    /** Builds with {@code options} applied and expects failure; returns the diagnostics, one string each. */
    public List<String> buildErrors(java.util.function.UnaryOperator<BuildPipeline.Options> options) {
        try {
            build(options);
        } catch (BuildException e) {
            return e.diagnostics().stream().map(Object::toString).toList();
        }
        throw new AssertionError("expected the build to fail, but it succeeded");
    }

    public String read(String sitePath) {
        try {
            return Files.readString(site().resolve(sitePath));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The published, content-hashed weights file that was called {@code name} in training, found through
     * {@code models/MODEL/index.json}.
     */
    public Path weights(String model, String name) {
        Map<?, ?> index = (Map<?, ?>) org.circuitbook.widgets.weights.Json.parse(read("models/" + model + "/index.json"));
        for (Object o : (List<?>) index.get("files")) {
            Map<?, ?> file = (Map<?, ?>) o;
            if (name.equals(file.get("name"))) {
                return site().resolve("models/" + model + "/" + file.get("url"));
            }
        }
        throw new AssertionError("models/" + model + "/index.json lists no " + name + ": " + index);
    }

    /** Every file under site/, relative and sorted. */
    public List<String> siteFiles() {
        if (!Files.isDirectory(site())) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(site())) {
            return s.filter(Files::isRegularFile).map(p -> site().relativize(p).toString())
                    .sorted(Comparator.naturalOrder()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
