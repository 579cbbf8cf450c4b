package org.circuitbook.generator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.Content;
import org.circuitbook.generator.content.ContentLoader;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.markdown.BookChecker;
import org.circuitbook.generator.markdown.CheckedBook;
import org.circuitbook.generator.markdown.Citations;
import org.circuitbook.generator.markdown.DirectiveBlock;
import org.circuitbook.generator.markdown.Markdown;
import org.circuitbook.generator.markdown.PageCache;
import org.circuitbook.generator.markdown.ParsedChapter;
import org.circuitbook.generator.markdown.WidgetFigures;
import org.circuitbook.generator.math.CachedTypesetter;
import org.circuitbook.generator.math.KatexAssets;
import org.circuitbook.generator.render.FigureCache;
import org.circuitbook.generator.render.PageRenderer;
import org.circuitbook.generator.render.StaticWidgets;
import org.circuitbook.widgets.figures.Widgets;
import org.circuitbook.generator.training.ModelCache;
import org.circuitbook.generator.training.ModelSpec;
import org.circuitbook.generator.training.TrainedSet;

/**
 * The stages load, check, train and render, keeping between builds what an edit usually leaves as it was, so
 * that {@code serve} rebuilds the book in a fraction of the first build's time. A full build is one session
 * built once ({@link BuildPipeline}); the dev server keeps one session and builds it on every change.
 *
 * <p>Kept, and reused while its source is unchanged: each chapter's Markdown tree (re-parsed when the chapter's
 * text or front matter changes), the bibliography (re-read when {@code references.bib} changes), each model
 * spec's trained set (re-read from the cache, and retrained only if its resolved spec changed, when its file
 * changes), the typeset formulas (the math cache, kept open), the widgets' static drawings (per trained set and
 * widget options), the published weights with their hashes, the generator's own assets, and each chapter's
 * rendered page while nothing it read of the book has changed ({@link PageCache}). Every build still re-checks
 * the whole book (a label or a number in one chapter shows in others) and assembles every page (the sidebar
 * lists every chapter's sections), so the output is always exactly a fresh build's.
 */
public final class BuildSession implements AutoCloseable {
    /** Receives each stage's summary and duration, in the order the stages run. */
    @FunctionalInterface
    public interface Stages {
        void stage(String name, String summary, long nanos);
    }

    /** The site a build produced: site-relative paths and their bytes, in a stable order. */
    public record Output(Map<String, byte[]> files, int chapters, List<TrainedSet> models) {
    }

    private static final String BUNDLE = "/org/circuitbook/widgets/bundle/widgets.js";
    private static final String ASSETS = "/org/circuitbook/generator/assets/";

    private final BuildPipeline.Options options;
    private final Consumer<String> log;
    private final Markdown markdown = new Markdown();
    private static final String MATH_CACHE = "math.bin";
    private CachedTypesetter math;
    private CitationCache citationCache;
    private boolean built;

    private String bibliographyText;
    private Citations citations;
    private final Map<String, ParsedChapter> parsed = new HashMap<>();
    /** Each spec's trained set, with the spec file's text it was read for. */
    private final Map<String, TrainedSet> trained = new HashMap<>();
    private final Map<String, String> specTexts = new HashMap<>();
    private final Map<TrainedSet, List<TrainedSet.PublishedFile>> published = new IdentityHashMap<>();
    /** Each trained set's SAEs in SAELens's layout ({@link TrainedSet#saeLens}). */
    private final Map<TrainedSet, List<TrainedSet.PublishedFile>> saeLens = new IdentityHashMap<>();
    private final Map<TrainedSet, byte[]> indexes = new IdentityHashMap<>();
    /** Each trained set's static drawings, by widget and options ({@link #drawn}), drawn or being drawn. */
    private final Map<TrainedSet, Map<String, CompletableFuture<WidgetFigures.Fallback>>> fallbacks = new IdentityHashMap<>();
    /** Draws the static figures in parallel while the pages render (one thread per core); made when first needed. */
    private ExecutorService drawing;
    private final FigureCache figures;
    /** Each trained set's provenance list, per widget name ({@link Provenance#html}). */
    private final Map<TrainedSet, Map<String, String>> provenances = new IdentityHashMap<>();
    private final Map<String, byte[]> resources = new HashMap<>();
    private final PageCache<PageRenderer.Rendered> pageCache = new PageCache<>();
    private final Map<Object, String> metricTexts = new HashMap<>();
    private List<Object> metricSets = List.of();
    private final Map<org.circuitbook.generator.training.TrainedModel, Map<String, Object>> metrics = MetricValues.newCache();
    private int reparsed;
    private volatile String currentStage = "load";

    /** A session for {@code options}; {@code log} receives the train stage's line per spec. */
    public BuildSession(BuildPipeline.Options options, Consumer<String> log) {
        this.options = options;
        this.log = log;
        this.figures = new FigureCache(options.cache());
    }

    /** The stage running now, or the last one to run. */
    public String currentStage() {
        return currentStage;
    }

    /** How many chapters the last build parsed (the rest were unchanged and reused). */
    public int reparsedChapters() {
        return reparsed;
    }

    /** How many chapters' pages the last build rendered (the others were reused: nothing they read had changed). */
    public int renderedChapters() {
        return pageCache.rendered();
    }

    /**
     * Forgets the Markdown tree of the {@code n}th chapter of the last build (in path order, {@code n} taken
     * modulo their number), so that the next build parses, checks and renders that chapter again exactly as after
     * an edit of it, with the same output. For warming a long-running session's code up; returns the chapter's
     * path, or null before a build.
     */
    public String forgetChapter(int n) {
        if (parsed.isEmpty()) {
            return null;
        }
        List<String> paths = new ArrayList<>(parsed.keySet());
        java.util.Collections.sort(paths);
        String path = paths.get(Math.floorMod(n, paths.size()));
        parsed.remove(path);
        return path;
    }

    /**
     * Runs load, check, train and render; throws a {@link BuildException} with every problem of the first stage
     * that has any. Writes nothing but the caches (models, math, citations, figures).
     */
    public Output build(Stages stages) {
        Loaded loaded = stage(stages, "load", this::load,
                l -> count(l.content.chapters().size(), "chapter") + ", " + count(l.content.models().size(), "model spec"));
        Content content = loaded.content;
        Citations cites = loaded.citations;

        // while the book is checked, the model cache is read on another thread, if it holds every spec (the check's
        // problems come first, and a book that fails it never trains); its lines wait for the train stage
        List<String> earlyLines = new ArrayList<>();
        java.util.concurrent.FutureTask<List<TrainedSet>> early = null; // none on a first build that retrains
        if (built || options.retrain().isEmpty()) {
            early = new java.util.concurrent.FutureTask<>(() -> train(content, line -> {
                synchronized (earlyLines) {
                    earlyLines.add(line);
                }
            }, true));
            Thread reader = new Thread(early, "circuitbook-read-cache");
            reader.setDaemon(true);
            reader.start();
        }
        java.util.concurrent.FutureTask<List<TrainedSet>> reading = early;
        CheckedBook book;
        try {
            book = check(stages, content, cites);
        } catch (RuntimeException e) {
            awaitQuietly(reading); // it may still be filling this session's maps; the next rebuild starts after it
            throw e;
        }

        List<TrainedSet> sets = stage(stages, "train", () -> {
            List<TrainedSet> read = null;
            if (reading != null) {
                try {
                    read = reading.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    earlyLines.forEach(log);
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading the model cache");
                }
            }
            earlyLines.forEach(log);
            return read != null ? read : train(content, log, false);
        }, t -> count(t.size(), "model spec") + " ready");

        Map<String, byte[]> files = stage(stages, "render", () -> render(content, cites, book, sets),
                f -> count(f.size(), "file"));
        figures.prune();
        try {
            citationCache().save();
        } catch (IOException e) {
            throw unsaved(options.cache().resolve(CitationCache.FILE), "the citation cache", e);
        }
        built = true;
        return new Output(files, book.chapters().size(), sets);
    }

    private static void awaitQuietly(java.util.concurrent.FutureTask<?> task) {
        if (task == null) {
            return;
        }
        try {
            task.get();
        } catch (java.util.concurrent.ExecutionException e) {
            // the check's problems are the ones to report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private CheckedBook check(Stages stages, Content content, Citations cites) {
        return stage(stages, "check", () -> {
            List<ParsedChapter> chapters = new ArrayList<>();
            Map<String, ParsedChapter> seen = new HashMap<>();
            reparsed = 0;
            for (Chapter chapter : content.chapters()) {
                ParsedChapter previous = parsed.get(chapter.path());
                ParsedChapter p = previous != null && previous.chapter().equals(chapter) ? previous
                        : new ParsedChapter(chapter, markdown.parse(chapter.body()));
                reparsed += p == previous ? 0 : 1;
                chapters.add(p);
                seen.put(chapter.path(), p);
            }
            parsed.clear();
            parsed.putAll(seen);
            CheckedBook checked;
            try {
                checked = new BookChecker(content.contentDir(), content.models(), cites, math(), options.widgets()).check(chapters);
            } catch (RuntimeException e) {
                try {
                    math().save(); // what was typeset before the problem still counts
                } catch (UncheckedIOException unsaved) {
                    e.addSuppressed(unsaved); // the book's problems come first
                }
                throw e;
            }
            try {
                math().save();
            } catch (UncheckedIOException e) {
                throw unsaved(options.cache().resolve(MATH_CACHE), "the math cache", e.getCause());
            }
            return checked;
        }, b -> "references, citations, math and widgets resolve");
    }

    private record Loaded(Content content, Citations citations) {
    }

    private Loaded load() {
        Content content = ContentLoader.load(options.root(), options.kinds());
        if (citations == null || !content.bibliography().equals(bibliographyText)) {
            Citations fresh = Bibliographies.load(content, citationCache());
            citations = fresh;
            bibliographyText = content.bibliography();
        }
        return new Loaded(content, citations);
    }

    /**
     * Re-reads (and if need be trains) only the specs whose file changed since the last build, logging to
     * {@code log}; with {@code onlyIfCached}, returns null instead, having changed nothing, when one of them would
     * have to be trained ({@link ModelCache#readAllIfFresh}).
     */
    private List<TrainedSet> train(Content content, Consumer<String> log, boolean onlyIfCached) {
        Map<String, String> texts = new HashMap<>();
        List<ModelSpec> changed = new ArrayList<>();
        for (ModelSpec spec : content.models().values()) {
            // the text the spec was parsed from, not the file as it is now: a save since the load stage is the
            // next rebuild's change, and must not pass for trained here
            String text = content.modelTexts().get(spec.name());
            texts.put(spec.name(), text);
            if (!trained.containsKey(spec.name()) || !text.equals(specTexts.get(spec.name()))) {
                changed.add(spec);
            }
        }
        if (!changed.isEmpty()) {
            // --retrain applies to the first build only: a rebuild retrains what changed
            Set<String> retrain = built ? Set.of() : options.retrain();
            ModelCache cache = new ModelCache(options.cache(), options.root(), retrain, options.trainers(),
                    StatusLog.indented(log, "  "), options.kinds());
            List<TrainedSet> fresh = onlyIfCached ? cache.readAllIfFresh(changed) : cache.trainAll(changed);
            if (fresh == null) {
                return null;
            }
            for (TrainedSet set : fresh) {
                TrainedSet old = trained.put(set.spec().name(), set);
                if (old != null) {
                    published.remove(old);
                    saeLens.remove(old);
                    indexes.remove(old);
                    fallbacks.remove(old);
                    provenances.remove(old);
                }
                specTexts.put(set.spec().name(), texts.get(set.spec().name()));
            }
        }
        trained.keySet().removeIf(name -> {
            boolean gone = !content.models().containsKey(name);
            if (gone) {
                TrainedSet old = trained.get(name);
                published.remove(old);
                saeLens.remove(old);
                indexes.remove(old);
                fallbacks.remove(old);
                provenances.remove(old);
                specTexts.remove(name);
            }
            return gone;
        });
        List<TrainedSet> out = new ArrayList<>();
        for (ModelSpec spec : content.models().values()) {
            // the spec as loaded now (its path, its verify section) with the weights cached for it
            out.add(trained.get(spec.name()));
        }
        return out;
    }

    private Map<String, byte[]> render(Content content, Citations cites, CheckedBook book, List<TrainedSet> sets) {
        Map<String, TrainedSet> byName = new LinkedHashMap<>();
        Map<String, List<TrainedSet.PublishedFile>> files = new LinkedHashMap<>();
        for (TrainedSet t : sets) {
            byName.put(t.spec().name(), t);
            files.put(t.spec().name(), published.computeIfAbsent(t, TrainedSet::published));
        }
        List<Object> setIds = sets.stream().map(PageCache::same).toList(); // the trained sets, compared by identity
        if (!setIds.equals(metricSets)) { // each role's text, kept while the trained models are the same objects
            metricTexts.clear();
            metricSets = setIds;
        }
        MetricValues.resolve(book, byName, metrics, metricTexts);
        org.circuitbook.generator.config.SiteConfig config = options.baseUrl() == null ? content.config()
                : content.config().withUrl(options.baseUrl());
        // a chapter's page is rendered again only when something it read changed (PageCache); these change them all
        List<Object> globals = new ArrayList<>(List.of(config, PageCache.same(cites), book.cited(),
                PageCache.same(options.widgets())));
        globals.addAll(setIds);
        pageCache.begin(book, globals);
        PageRenderer pages = new PageRenderer(config, markdown, cites.citedOnly(book.cited()), new WidgetFigures() {
            @Override
            public Map<String, String> attributes(DirectiveBlock widget) {
                return figureAttributes(widget, files, options.widgets());
            }

            @Override
            public Integer maxWidth(DirectiveBlock widget) {
                DirectiveBlock.Option height = widget.options().get("height");
                org.circuitbook.widgets.widget.Widget w = options.widgets().get(widget.argument());
                return height == null || w == null ? null
                        : (int) Math.round(Integer.parseInt(height.value()) * (double) w.width() / w.height());
            }

            @Override
            public boolean live(DirectiveBlock widget) {
                org.circuitbook.widgets.widget.Widget w = options.widgets().get(widget.argument());
                return w == null || w.live() != null;
            }

            @Override
            public int[] drawingSize(DirectiveBlock widget) {
                org.circuitbook.widgets.widget.Widget w = options.widgets().get(widget.argument());
                return w == null ? null : new int[] {w.width(), w.height()};
            }

            @Override
            public Double phoneControlsRem(DirectiveBlock widget) {
                org.circuitbook.widgets.widget.Widget w = options.widgets().get(widget.argument());
                return w == null || !(w.phoneControlsRem() > 0) ? null : w.phoneControlsRem();
            }

            @Override
            public String provenance(DirectiveBlock widget) {
                DirectiveBlock.Option model = widget.options().get("model");
                TrainedSet set = model == null ? null : byName.get(model.value());
                org.circuitbook.widgets.widget.Widget w = options.widgets().get(widget.argument());
                if (set == null || w == null) {
                    return null;
                }
                // drawn once per trained set and widget: it reads the weights' metadata, which costs a parse of the file
                synchronized (provenances) { // chapters render side by side
                    return provenances.computeIfAbsent(set, s -> new HashMap<>()).computeIfAbsent(w.name(),
                            n -> Provenance.html(set, files.get(set.spec().name()), w::usesFile));
                }
            }

            @Override
            public Fallback fallback(DirectiveBlock widget) {
                DirectiveBlock.Option model = widget.options().get("model");
                TrainedSet set = model == null ? null : byName.get(model.value());
                if (set == null) {
                    return StaticWidgets.fallback(widget, byName, options.widgets());
                }
                return drawn(set, widget, byName, files.get(set.spec().name()), false);
            }
        }, pageCache);
        // every figure not drawn yet starts drawing now, on the other cores, in the order the pages ask for them
        for (org.circuitbook.generator.markdown.ParsedChapter p : book.chapters()) {
            for (com.vladsch.flexmark.util.ast.Node node : p.document().getDescendants()) {
                if (node instanceof DirectiveBlock d && "widget".equals(d.name()) && d.options().get("model") != null
                        && byName.get(d.options().get("model").value()) != null) {
                    TrainedSet set = byName.get(d.options().get("model").value());
                    drawn(set, d, byName, files.get(set.spec().name()), true);
                }
            }
        }
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
        out.putAll(book.assets()); // the bytes the check stage read and checked, not the file as it may be now
        for (TrainedSet t : sets) {
            List<TrainedSet.PublishedFile> weights = files.get(t.spec().name());
            List<TrainedSet.PublishedFile> folders = saeLens.computeIfAbsent(t, s -> s.saeLens(weights));
            for (TrainedSet.PublishedFile f : weights) {
                out.put(f.url(), f.bytes());
            }
            for (TrainedSet.PublishedFile f : folders) {
                out.put(f.url(), f.bytes());
            }
            List<TrainedSet.PublishedFile> all = new ArrayList<>(weights);
            all.addAll(folders);
            out.put("models/" + t.spec().name() + "/index.json", indexes.computeIfAbsent(t, s -> index(all)));
        }
        return out;
    }

    /**
     * The static drawing of {@code widget} on {@code set}, kept per set, widget and options: with {@code start}, only
     * begins drawing it on another thread (returns null); otherwise waits for it, or draws it here if nobody has.
     */
    private WidgetFigures.Fallback drawn(TrainedSet set, DirectiveBlock widget, Map<String, TrainedSet> byName,
                                         List<TrainedSet.PublishedFile> weights, boolean start) {
        StringBuilder key = new StringBuilder(widget.argument());
        widget.options().forEach((k, v) -> key.append('\n').append(k).append('=').append(v.value()));
        Supplier<WidgetFigures.Fallback> draw = () -> draw(widget, byName, weights);
        CompletableFuture<WidgetFigures.Fallback> f;
        boolean mine = false;
        Map<String, CompletableFuture<WidgetFigures.Fallback>> drawn;
        synchronized (fallbacks) { // the pages that ask for drawings render side by side
            drawn = fallbacks.computeIfAbsent(set, s -> new HashMap<>());
            f = drawn.get(key.toString());
            if (f == null) {
                f = start ? CompletableFuture.supplyAsync(draw, drawing()) : new CompletableFuture<>();
                mine = !start;
                drawn.put(key.toString(), f);
            }
        }
        if (start) {
            return null;
        }
        if (mine) { // drawn here, by the first page to ask; another page asking meanwhile waits for it
            try {
                f.complete(draw.get());
            } catch (RuntimeException | Error e) {
                f.completeExceptionally(e);
            }
        }
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            synchronized (fallbacks) {
                drawn.remove(key.toString()); // as if never drawn: the next build tries again
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** The static drawing, from the figure cache on disk when an earlier build drew the same. */
    private WidgetFigures.Fallback draw(DirectiveBlock widget, Map<String, TrainedSet> byName,
                                        List<TrainedSet.PublishedFile> weights) {
        Supplier<WidgetFigures.Fallback> draw = () -> StaticWidgets.fallback(widget, byName, options.widgets());
        org.circuitbook.widgets.widget.Widget w = options.widgets().get(widget.argument());
        return w == null ? draw.get() : figures.fallback(w, StaticWidgets.optionValues(w, widget), weights, draw);
    }

    private ExecutorService drawing() {
        if (drawing == null) {
            drawing = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(), r -> {
                Thread t = new Thread(r, "static-figures");
                t.setDaemon(true);
                return t;
            });
        }
        return drawing;
    }

    private <T> T stage(Stages stages, String name, Supplier<T> work, Function<T, String> summary) {
        currentStage = name;
        long start = System.nanoTime();
        T result = work.get();
        stages.stage(name, summary.apply(result), System.nanoTime() - start);
        return result;
    }

    /** A cache file the build could not write: a problem to fix (the folder's permissions, a full disk), not a bug. */
    private BuildException unsaved(java.nio.file.Path file, String what, IOException e) {
        return new BuildException(Diagnostic.file(Diagnostic.shown(options.root(), file), currentStage,
                "could not save " + what + ": " + org.circuitbook.generator.output.SiteWriter.words(e),
                "the cache folder must be writable, with room to spare: fix it, or build with --cache DIR"));
    }

    private CitationCache citationCache() {
        if (citationCache == null) {
            citationCache = CitationCache.open(options.cache());
        }
        return citationCache;
    }

    private CachedTypesetter math() {
        if (math == null) {
            math = new CachedTypesetter(options.cache().resolve(MATH_CACHE));
        }
        return math;
    }

    private byte[] resource(String path) {
        byte[] bytes = resources.get(path);
        if (bytes == null) {
            try (InputStream in = BuildSession.class.getResourceAsStream(path)) {
                if (in == null) {
                    throw new BuildException(Diagnostic.file(path, "render", "missing from the generator's class path",
                            "rebuild with 'mvn -q -DskipTests install' so the widgets bundle is compiled"));
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            resources.put(path, bytes);
        }
        return bytes;
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Saves the math cache and stops KaTeX. */
    @Override
    public void close() {
        if (drawing != null) {
            drawing.shutdownNow();
            drawing = null;
        }
        if (math != null) {
            math.close();
            math = null;
        }
    }

    /**
     * {@code models/NAME/index.json}: each file's training name, its content-hashed URL (relative to the
     * folder), SHA-256 and size, for readers who download the weights rather than read them in a widget; then
     * the SAEs' SAELens folders' files ({@code saelens/STEM/cfg.json} at {@code saelens/STEM.HASH/cfg.json}).
     */
    static byte[] index(List<TrainedSet.PublishedFile> files) {
        List<Object> entries = new ArrayList<>();
        for (TrainedSet.PublishedFile f : files) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("name", f.fileName());
            // relative to models/NAME/ (a model's name has no slash)
            e.put("url", f.url().substring(f.url().indexOf('/', "models/".length()) + 1));
            e.put("sha256", f.sha256Hex());
            e.put("bytes", (long) f.bytes().length);
            entries.add(e);
        }
        return (org.circuitbook.widgets.weights.Json.write(Map.of("files", entries)) + "\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Map<String, String> figureAttributes(DirectiveBlock widget,
                                                Map<String, List<TrainedSet.PublishedFile>> published, Widgets widgets) {
        Map<String, String> attrs = new LinkedHashMap<>();
        String model = widget.options().get("model").value();
        attrs.put("model", model);
        // the URLs of the files the widget reads and, in the same order, their SHA-256 for fetch()'s integrity check
        org.circuitbook.widgets.widget.Widget w = widgets.get(widget.argument());
        List<TrainedSet.PublishedFile> files = published.get(model).stream().filter(f -> w.usesFile(f.fileName())).toList();
        attrs.put("weights", String.join(" ", files.stream().map(TrainedSet.PublishedFile::url).toList()));
        attrs.put("integrity", String.join(" ", files.stream().map(TrainedSet.PublishedFile::integrity).toList()));
        // every option the widget declares, as the chapter wrote it (the live figure reads them all)
        attrs.putAll(StaticWidgets.optionValues(widgets.get(widget.argument()), widget));
        return attrs;
    }
}
