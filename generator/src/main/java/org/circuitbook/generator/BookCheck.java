package org.circuitbook.generator;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.circuitbook.generator.content.Chapter;
import org.circuitbook.generator.content.Content;
import org.circuitbook.generator.content.ContentLoader;
import org.circuitbook.generator.diagnostics.BuildException;
import org.circuitbook.generator.diagnostics.Diagnostic;
import org.circuitbook.generator.markdown.BookChecker;
import org.circuitbook.generator.markdown.CheckedBook;
import org.circuitbook.generator.markdown.Citations;
import org.circuitbook.generator.markdown.Markdown;
import org.circuitbook.generator.markdown.ParsedChapter;
import org.circuitbook.generator.math.CachedTypesetter;
import org.circuitbook.generator.training.ModelCache;
import org.circuitbook.generator.training.ModelSpec;
import org.circuitbook.generator.training.TrainedSet;

/**
 * {@code circuitbook check}: everything the build can check without training a model or writing a file. The
 * load and check stages as the build runs them (front matter, site.yaml, model specs, the bibliography,
 * directives and widget options, labels and cross-references, citations, TeX, images, the chapters' links and
 * anchors); then, for each model the cache already holds as its spec is now, its {@code verify} section and the
 * {@code {metric}} and {@code {claim}} roles that read it. A model that would have to be trained first is named as not checked.
 * Problems come out as the build reports them; the math cache is read, never written.
 */
public final class BookCheck {
    /** What was checked, and which models' trained output could not be, with how many roles read each. */
    public record Result(int chapters, int specs, int metricRoles, Map<String, Integer> untrained,
                         int untrainedWithVerify, int claimRoles) {
        /** The one-line summary {@code circuitbook check} prints. */
        public String summary() {
            int unchecked = untrained.values().stream().mapToInt(Integer::intValue).sum();
            // roles that read the models: {metric} numbers and, in a book that has any, {claim} outcomes
            String role = claimRoles == 0 ? "{metric} role" : "{metric} and {claim} role";
            int roles = metricRoles + claimRoles;
            StringBuilder sb = new StringBuilder("check: no problems in ").append(count(chapters, "chapter"))
                    .append(", ").append(count(specs, "model spec")).append(" and ");
            if (untrained.isEmpty()) {
                return sb.append(count(roles, role)).toString();
            }
            sb.append(roles - unchecked).append(" of ").append(count(roles, role))
                    .append("; not checked: ").append(untrained.size() == 1 ? "model " : "models ")
                    .append(String.join(", ", untrained.keySet())).append(" not trained yet");
            boolean one = untrained.size() == 1;
            List<String> parts = new ArrayList<>();
            if (unchecked > 0) {
                parts.add(count(unchecked, role));
            }
            if (untrainedWithVerify > 0) {
                parts.add(one ? "verify section" : untrainedWithVerify == 1 ? "1 verify section"
                        : untrainedWithVerify + " verify sections");
            }
            if (!parts.isEmpty()) {
                sb.append(" (").append(one ? "its " : "their ").append(String.join(" and ", parts)).append(')');
            }
            return sb.toString();
        }
    }

    private BookCheck() {
    }

    /** Checks the book under {@code root} against the models cached in {@code cache}; throws with every problem. */
    public static Result run(Path root, Path cache) {
        Content content = ContentLoader.load(root);
        Citations citations = Bibliographies.load(content);
        Markdown markdown = new Markdown();
        List<ParsedChapter> chapters = new ArrayList<>();
        for (Chapter chapter : content.chapters()) {
            chapters.add(new ParsedChapter(chapter, markdown.parse(chapter.body())));
        }
        CheckedBook book;
        try (CachedTypesetter math = CachedTypesetter.readOnly(cache.resolve("math.bin"))) {
            book = new BookChecker(content.contentDir(), content.models(), citations, math).check(chapters);
        }

        ModelCache models = new ModelCache(cache, root, Set.of(), 1, line -> { });
        Map<String, TrainedSet> available = new LinkedHashMap<>();
        List<Diagnostic> problems = new ArrayList<>();
        int untrainedWithVerify = 0;
        Map<String, Integer> untrained = new LinkedHashMap<>();
        for (ModelSpec spec : content.models().values()) {
            TrainedSet set;
            try {
                set = models.cached(spec);
            } catch (BuildException e) { // a cached file that is malformed: reported, as the build would
                problems.addAll(e.diagnostics());
                continue;
            }
            if (set == null) {
                untrained.put(spec.name(), 0);
                untrainedWithVerify += spec.settings().expectations() > 0 ? 1 : 0;
                continue;
            }
            available.put(spec.name(), set);
            problems.addAll(models.verifyOrDiagnose(set));
        }
        try {
            MetricValues.resolveAvailable(book, available).forEach(untrained::put);
        } catch (BuildException e) {
            problems.addAll(e.diagnostics());
        }
        if (!problems.isEmpty()) {
            throw new BuildException(problems);
        }
        return new Result(chapters.size(), content.models().size(), book.metrics().size(), untrained,
                untrainedWithVerify, book.claims().size());
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
