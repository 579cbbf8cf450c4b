package org.circuitbook.generator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.output.SiteWriter;
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
    public record Options(Path root, Path out, Path cache, java.util.Set<String> retrain, int trainers, String baseUrl) {
        public Options(Path root, Path out, Path cache, java.util.Set<String> retrain, int trainers) {
            this(root, out, cache, retrain, trainers, null);
        }

        public static Options defaults(Path root) {
            return new Options(root, root.resolve("site"), root.resolve(".cache"), java.util.Set.of(),
                    Math.min(2, Runtime.getRuntime().availableProcessors()));
        }

        /** These options with the site published at {@code url}. */
        public Options withBaseUrl(String url) {
            return new Options(root, out, cache, retrain, trainers, url);
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

    public Result run() {
        try (BuildSession session = new BuildSession(options, log)) {
            BuildSession.Output output = session.build((name, summary, nanos) -> log.accept(
                    String.format(java.util.Locale.ROOT, "%-6s %s in %d ms", name, summary, nanos / 1_000_000)));
            stage("write", () -> {
                SiteWriter.write(options.out(), output.files());
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

    /**
     * {@code models/NAME/index.json}: each file's training name, its content-hashed URL (relative to the
     * folder), SHA-256 and size, for readers who download the weights rather than read them in a widget.
     */
    static byte[] index(List<TrainedSet.PublishedFile> files) {
        List<Object> entries = new ArrayList<>();
        for (TrainedSet.PublishedFile f : files) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", f.fileName());
            e.put("url", f.url().substring(f.url().lastIndexOf('/') + 1));
            e.put("sha256", f.sha256Hex());
            e.put("bytes", (long) f.bytes().length);
            entries.add(e);
        }
        return (org.circuitbook.widgets.weights.Json.write(Map.of("files", entries)) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Map<String, String> figureAttributes(DirectiveBlock widget,
                                                Map<String, List<TrainedSet.PublishedFile>> published) {
        Map<String, String> attrs = new LinkedHashMap<>();
        String model = widget.options().get("model").value();
        attrs.put("model", model);
        // the files' URLs and, in the same order, their SHA-256 for fetch()'s integrity check
        attrs.put("weights", String.join(" ", published.get(model).stream().map(TrainedSet.PublishedFile::url).toList()));
        attrs.put("integrity", String.join(" ",
                published.get(model).stream().map(TrainedSet.PublishedFile::integrity).toList()));
        for (String key : List.of("sparsity", "view", "head", "metric", "d_sae", "l1", "height")) {
            DirectiveBlock.Option option = widget.options().get(key);
            if (option != null) {
                attrs.put(key, option.value());
            }
        }
        return attrs;
    }
}
