package org.circuitbook.generator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.Content;
import org.circuitbook.generator.content.ContentLoader;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.BookChecker;
import org.circuitbook.generator.markdown.CheckedBook;
import org.circuitbook.generator.markdown.Citations;
import org.circuitbook.generator.markdown.Markdown;
import org.circuitbook.generator.math.CachedTypesetter;
import org.circuitbook.generator.math.KatexAssets;
import org.circuitbook.generator.markdown.ParsedChapter;
import org.circuitbook.generator.output.SiteWriter;
import org.circuitbook.generator.render.PageRenderer;
import org.circuitbook.generator.training.ModelCache;
import org.circuitbook.generator.training.TrainedSet;
import org.circuitbook.generator.markdown.WidgetFigures;
import org.circuitbook.generator.render.StaticWidgets;

/**
 * The whole build, one stage after another, in the order they run: load, check, train, render, write.
 * Each stage logs one timed line; a stage that finds problems reports all of them and stops the build
 * before anything is written.
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

    private static final String BUNDLE = "/org/circuitbook/widgets/bundle/widgets.js";
    private static final String ASSETS = "/org/circuitbook/generator/assets/";

    private final Options options;
    private final Consumer<String> log;

    public BuildPipeline(Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
    }

    public Result run() {
        Content content = stage("load", () -> ContentLoader.load(options.root()),
                c -> count(c.chapters().size(), "chapter") + ", " + count(c.models().size(), "model spec"));
        Citations citations = Bibliographies.load(content);

        Markdown markdown = new Markdown();
        CheckedBook book = stage("check", () -> {
            List<ParsedChapter> chapters = new ArrayList<>();
            for (Chapter chapter : content.chapters()) {
                chapters.add(new ParsedChapter(chapter, markdown.parse(chapter.body())));
            }
            try (CachedTypesetter math = new CachedTypesetter(options.cache().resolve("math.bin"))) {
                return new BookChecker(content.contentDir(), content.models(), citations, math).check(chapters);
            }
        }, b -> "references, citations, math and widgets resolve");

        List<TrainedSet> trained = stage("train",
                () -> new ModelCache(options.cache(), options.root(), options.retrain(), options.trainers(),
                        line -> log.accept("  " + line))
                        .trainAll(List.copyOf(content.models().values())),
                t -> count(t.size(), "model spec") + " ready");

        Map<String, byte[]> files = stage("render", () -> {
            Map<String, TrainedSet> byName = new LinkedHashMap<>();
            Map<String, List<TrainedSet.PublishedFile>> published = new LinkedHashMap<>();
            trained.forEach(t -> {
                byName.put(t.spec().name(), t);
                published.put(t.spec().name(), t.published());
            });
            MetricValues.resolve(book, byName);
            org.circuitbook.generator.config.SiteConfig config = options.baseUrl() == null ? content.config()
                    : content.config().withUrl(options.baseUrl());
            // each widget's fallback is drawn once: the page shows it, the preview image may draw it again
            Map<DirectiveBlock, java.util.Optional<WidgetFigures.Fallback>> fallbacks = new java.util.IdentityHashMap<>();
            PageRenderer pages = new PageRenderer(config, markdown, citations, new WidgetFigures() {
                @Override
                public Map<String, String> attributes(DirectiveBlock widget) {
                    return figureAttributes(widget, published);
                }

                @Override
                public Fallback fallback(DirectiveBlock widget) {
                    return fallbacks.computeIfAbsent(widget,
                            w -> java.util.Optional.ofNullable(StaticWidgets.fallback(w, byName))).orElse(null);
                }
            });
            Map<String, byte[]> out = new LinkedHashMap<>(pages.render(book));
            out.put("assets/widgets.js", resource(BUNDLE));
            out.put("assets/style.css", resource(ASSETS + "style.css"));
            out.put("assets/theme.js", resource(ASSETS + "theme.js"));
            out.put("assets/site.js", resource(ASSETS + "site.js"));
            out.put("assets/search.js", resource(ASSETS + "search.js"));
            out.put("assets/boot.js", resource(ASSETS + "boot.js"));
            out.put("assets/highlight.css", resource("/org/circuitbook/generator/highlight/highlight.css"));
            out.put("favicon.svg", resource(ASSETS + "favicon.svg"));
            if (!book.math().isEmpty()) {
                KatexAssets.files().forEach((path, bytes) -> out.put("assets/" + path, bytes));
            }
            for (String asset : book.assets()) {
                out.put(asset, readContent(content, asset));
            }
            published.forEach((name, list) -> {
                for (TrainedSet.PublishedFile f : list) {
                    out.put(f.url(), f.bytes());
                }
                out.put("models/" + name + "/index.json", index(list));
            });
            return out;
        }, f -> count(f.size(), "file"));

        stage("write", () -> {
            SiteWriter.write(options.out(), files);
            return options.out();
        }, out -> "site written to " + out);
        return new Result(book.chapters().size(), files.size(), trained);
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
    private static byte[] index(List<TrainedSet.PublishedFile> files) {
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

    private static Map<String, String> figureAttributes(DirectiveBlock widget,
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

    private static byte[] readContent(Content content, String relative) {
        try {
            return java.nio.file.Files.readAllBytes(content.contentDir().resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] resource(String path) {
        try (InputStream in = BuildPipeline.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new BuildException(Diagnostic.file(path, "render", "missing from the generator's class path",
                        "rebuild with 'mvn -q -DskipTests install' so the widgets bundle is compiled"));
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
