package org.circuitbook.generator;

import java.nio.file.Path;
import org.circuitbook.widgets.figures.Widgets;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.circuitbook.generator.output.SiteDirectory;
import org.circuitbook.generator.output.SiteWriter;
import org.circuitbook.generator.training.ModelKind;
import org.circuitbook.generator.training.ModelKinds;
import org.circuitbook.generator.training.TrainedSet;

/**
 * The whole build, one stage after another, in the order they run: load, check, train, render, write.
 * Each stage logs one timed line; a stage that finds problems reports all of them and stops the build
 * before anything is written. The first four stages are a {@link BuildSession} built once (the dev server
 * keeps one and rebuilds it on every change); write swaps the whole site in atomically.
 */
public final class BuildPipeline {
    /**
     * Where the build reads, writes and caches; {@code retrain} names specs to train even if cached;
     * {@code trainers} is how many specs may train at once (one process each); {@code baseUrl}, when not
     * null, is the published site's URL, overriding site.yaml's {@code url} (checked by the caller with
     * {@code SiteConfig.urlProblem}).
     */
    public record Options(Path root, Path out, Path cache, java.util.Set<String> retrain, int trainers, String baseUrl,
                          Widgets widgets, ModelKinds kinds) {
        public Options(Path root, Path out, Path cache, java.util.Set<String> retrain, int trainers) {
            this(root, out, cache, retrain, trainers, null);
        }

        public Options(Path root, Path out, Path cache, java.util.Set<String> retrain, int trainers, String baseUrl) {
            this(root, out, cache, retrain, trainers, baseUrl, Widgets.BOOK);
        }

        public Options(Path root, Path out, Path cache, java.util.Set<String> retrain, int trainers, String baseUrl,
                       Widgets widgets) {
            this(root, out, cache, retrain, trainers, baseUrl, widgets, ModelKinds.ALL);
        }

        /** These options for a site whose chapters may also use {@code more} widgets (a test's, or a site's own). */
        public Options withWidgets(org.circuitbook.widgets.widget.Widget... more) {
            return new Options(root, out, cache, retrain, trainers, baseUrl, widgets.with(more), kinds);
        }

        /**
         * These options for a site whose model specs may also be of {@code more} kinds (a test's, or a site's
         * own): each needs a public no-argument constructor, as the trainer's child JVM makes it by class name.
         */
        public Options withKinds(ModelKind... more) {
            return new Options(root, out, cache, retrain, trainers, baseUrl, widgets, kinds.with(more));
        }

        public static Options defaults(Path root) {
            return new Options(root, root.resolve("site"), root.resolve(".cache"), java.util.Set.of(),
                    Math.min(2, Runtime.getRuntime().availableProcessors()));
        }

        /** These options with the site published at {@code url}. */
        public Options withBaseUrl(String url) {
            return new Options(root, out, cache, retrain, trainers, url, widgets, kinds);
        }

        /** The output directory, with what it must never replace (the sources, the project, the cache). */
        public SiteDirectory site() {
            return SiteDirectory.of(out, root, cache);
        }
    }

    /** What a successful build produced. */
    public record Result(int chapters, int files, List<TrainedSet> models) {
    }

    private final Options options;
    private final Consumer<String> log;

    public BuildPipeline(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    /**
     * Runs the build; a {@link SiteDirectory.Refused} output directory stops it before anything else is done,
     * and a write the file system refuses ends it in a {@link SiteWriter.Failed} with the previous site kept.
     */
    public Result run() {
        SiteDirectory site = options.site();
        site.check();
        try (BuildSession session = new BuildSession(options, log)) {
            BuildSession.Output output = session.build((name, summary, nanos) -> log.accept(
                    String.format(java.util.Locale.ROOT, "%-6s %s in %d ms", name, summary, nanos / 1_000_000)));
            stage("write", () -> {
                SiteWriter.write(site, output.files());
                return options.out();
            }, out -> "site written to " + out);
            return new Result(output.chapters(), output.files().size(), output.models());
        }
    }

    private <T> T stage(String name, Supplier<T> work, java.util.function.Function<T, String> summary) {
        long start = System.nanoTime();
        T result = work.get();
        long ms = (System.nanoTime() - start) / 1_000_000;
        log.accept(String.format(java.util.Locale.ROOT, "%-6s %s in %d ms", name, summary.apply(result), ms));
        return result;
    }
}
