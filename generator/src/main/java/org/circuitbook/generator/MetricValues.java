package org.circuitbook.generator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.vladsch.flexmark.util.ast.Node;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.generator.markdown.CheckedBook;
import org.circuitbook.generator.markdown.Claim;
import org.circuitbook.generator.markdown.MetricQuery;
import org.circuitbook.generator.markdown.MystNodes;
import org.circuitbook.generator.markdown.ParsedChapter;
import org.circuitbook.generator.markdown.SourceMap;
import org.circuitbook.generator.training.TrainedModel;
import org.circuitbook.generator.training.TrainedSet;

/**
 * Reads every {@code {metric}} role's number from the trained models, after the train stage: the values the
 * prose shows; and checks every {@code {claim}} role's conditions against them. A path that is not in the metrics, or an operation that does not fit the value, is reported at
 * the role's {@code path:line:col}, all at once.
 */
final class MetricValues {
    static final String STAGE = "render";

    private final Map<String, TrainedSet> models;
    private final Map<TrainedModel, Map<String, Object>> metricsCache;

    private MetricValues(Map<String, TrainedSet> models, Map<TrainedModel, Map<String, Object>> metricsCache) {
        this.models = models;
        this.metricsCache = metricsCache;
    }

    /**
     * Each weights file's parsed {@code metrics}, for a caller that resolves the roles again and again on the same
     * trained models (the dev server): parsing them is most of the time this stage takes. Keyed by the file as
     * read (its bytes by identity), so retrained files are parsed anew; the old ones drop out with their sets.
     */
    static Map<TrainedModel, Map<String, Object>> newCache() {
        return new java.util.WeakHashMap<>();
    }

    /** Resolves every metric role of the book into {@code book.metricValues()}; throws with every problem. */
    static void resolve(CheckedBook book, Map<String, TrainedSet> models) {
        resolveAvailable(book, models, new HashMap<>(), new HashMap<>());
    }

    /**
     * As {@link #resolve}, with parsed metrics kept in {@code cache} (see {@link #newCache()}), and each role's text
     * kept in {@code texts} by its query or claim: the caller clears it whenever {@code models} changes.
     */
    static void resolve(CheckedBook book, Map<String, TrainedSet> models, Map<TrainedModel, Map<String, Object>> cache,
                        Map<Object, String> texts) {
        resolveAvailable(book, models, cache, texts);
    }

    /**
     * As {@link #resolve}, for the roles whose model is in {@code models}; returns how many roles of each other
     * model were left unresolved (for {@code circuitbook check}, which trains nothing).
     */
    static Map<String, Integer> resolveAvailable(CheckedBook book, Map<String, TrainedSet> models) {
        return resolveAvailable(book, models, new HashMap<>(), new HashMap<>());
    }

    private static Map<String, Integer> resolveAvailable(CheckedBook book, Map<String, TrainedSet> models,
                                                         Map<TrainedModel, Map<String, Object>> cache,
                                                         Map<Object, String> texts) {
        MetricValues values = new MetricValues(models, cache);
        Problems problems = new Problems(STAGE);
        Map<String, Integer> skipped = new java.util.TreeMap<>();
        for (ParsedChapter parsed : book.chapters()) {
            SourceMap map = null;
            for (Node node : parsed.document().getDescendants()) {
                Claim claim = node instanceof MystNodes.Role ? book.claims().get(node) : null;
                if (claim != null) {
                    String missing = claim.queries().stream().map(MetricQuery::model).filter(m -> !models.containsKey(m))
                            .findFirst().orElse(null);
                    if (missing != null) {
                        skipped.merge(missing, 1, Integer::sum);
                        continue;
                    }
                    try {
                        book.claimResults().put(node, texts.computeIfAbsent(claim, c -> values.check(claim)));
                    } catch (Missing | Broken e) {
                        map = map == null ? SourceMap.of(parsed.chapter().body()) : map;
                        problems.add(parsed.chapter().path(), map.line(node.getStartOffset()),
                                map.column(node.getStartOffset()), e.getMessage(),
                                e instanceof Missing m ? m.hint : ((Broken) e).hint);
                    }
                    continue;
                }
                MetricQuery q = node instanceof MystNodes.Role ? book.metrics().get(node) : null;
                if (q == null) {
                    continue;
                }
                if (!models.containsKey(q.model())) {
                    skipped.merge(q.model(), 1, Integer::sum);
                    continue;
                }
                try {
                    book.metricValues().put(node, texts.computeIfAbsent(q, k -> values.text(q)));
                } catch (Missing e) {
                    map = map == null ? SourceMap.of(parsed.chapter().body()) : map;
                    problems.add(parsed.chapter().path(), map.line(node.getStartOffset()),
                            map.column(node.getStartOffset()), e.getMessage(), e.hint);
                }
            }
        }
        problems.throwIfAny();
        return skipped;
    }

    private String text(MetricQuery q) {
        return format(value(q), q);
    }

    private Object value(MetricQuery q) {
        Object value;
        if (q.file().equals("spec")) {
            value = spec(q.model()).get(q.path().get(0));
            if (value == null) {
                throw new Missing("model " + q.model() + " has no spec value \"" + q.path().get(0) + "\"",
                        "known: " + String.join(", ", spec(q.model()).keySet()));
            }
            value = apply(q, value, q.ops());
        } else if (q.file().equals("*")) {
            value = first(q);
        } else {
            value = apply(q, walk(q, q.file()), q.ops());
        }
        return value;
    }

    /** A claim's metric as one number; anything else cannot be compared. */
    private double claimNumber(MetricQuery q) {
        Object value = value(q);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new Missing("{claim} compares numbers, but " + q.source() + " is " + describe(value),
                "reduce it to one number, e.g. |max, |len or |count>=X");
    }

    /**
     * Checks a claim's conditions; returns what each metric was, for the page's title. Throws {@link Missing}
     * when a metric is missing and {@link Broken} when a condition fails.
     */
    private String check(Claim claim) {
        List<String> seen = new ArrayList<>();
        for (Claim.Condition c : claim.conditions()) {
            double left = claimNumber(c.left());
            double rightValue = c.right() == null ? c.number() : claimNumber(c.right());
            double right = c.against(rightValue);
            String values = c.left().source() + " = " + MetricQuery.Format.number(left)
                    + (c.right() == null ? "" : ", " + c.right().source() + " = " + MetricQuery.Format.number(rightValue));
            if (!c.test(left, right)) {
                throw new Broken("claim \"" + claim.words() + "\" does not hold for the trained model: " + values
                        + ", but the claim needs " + c, "the model changed: reword the prose and its claim, or fix the model's spec");
            }
            seen.add(values + " (" + c.toString().substring(c.left().source().length() + 1) + ")");
        }
        return String.join("; ", seen);
    }

    /** FILE {@code *}: the step of the first file, in order of step, whose value passes the final test. */
    private Object first(MetricQuery q) {
        List<Object[]> stepped = new ArrayList<>();
        for (TrainedModel m : models.get(q.model()).models()) {
            String file = stem(m.fileName());
            Map<String, Object> metrics = metrics(q.model(), m);
            if (metrics.get("step") instanceof Number step && lookup(metrics, q.path()) != null) {
                stepped.add(new Object[] {step.longValue(), file});
            }
        }
        if (stepped.isEmpty()) {
            throw new Missing("no file of " + q.model() + " has a step and " + String.join("/", q.path()),
                    "|first reads the checkpoints of a model that records them");
        }
        stepped.sort(java.util.Comparator.comparingLong(a -> (Long) a[0]));
        MetricQuery.Op test = q.ops().get(q.ops().size() - 1);
        List<MetricQuery.Op> before = q.ops().subList(0, q.ops().size() - 1);
        for (Object[] s : stepped) {
            if (test.test(number(apply(q, walk(q, (String) s[1]), before), q, test))) {
                return s[0];
            }
        }
        throw new Missing("no checkpoint of " + q.model() + " has " + String.join("/", q.path())
                + before.stream().map(o -> "|" + o).reduce("", String::concat) + " " + test.comparison() + " "
                + MetricQuery.Format.number(test.operand()), "the last step is " + stepped.get(stepped.size() - 1)[0]);
    }

    private Object walk(MetricQuery q, String file) {
        TrainedModel model = models.get(q.model()).models().stream()
                .filter(m -> stem(m.fileName()).equals(file)).findFirst().orElseThrow();
        Object at = metrics(q.model(), model);
        String where = q.model() + "/" + file;
        for (String key : q.path()) {
            Object next = step(at, key);
            if (next == null) {
                throw new Missing((at instanceof List<?> ? "no element " : "no metric \"") + key
                        + (at instanceof List<?> ? "" : "\"") + " in " + where, known(at));
            }
            at = next;
            where += "/" + key;
        }
        return at;
    }

    private static Object lookup(Object at, List<String> path) {
        for (String key : path) {
            at = step(at, key);
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    private static Object step(Object at, String key) {
        if (at instanceof Map<?, ?> m) {
            return m.get(key);
        }
        if (at instanceof List<?> l && key.matches("[0-9]+")) {
            int i = Integer.parseInt(key);
            return i < l.size() ? l.get(i) : null;
        }
        return null;
    }

    private static String known(Object at) {
        if (at instanceof Map<?, ?> m) {
            return "known: " + String.join(", ", m.keySet().stream().map(String::valueOf).toList());
        }
        if (at instanceof List<?> l) {
            return l.isEmpty() ? "the list is empty" : "a list: indices 0 to " + (l.size() - 1);
        }
        return "that is a single value, " + at;
    }

    private Object apply(MetricQuery q, Object value, List<MetricQuery.Op> ops) {
        for (MetricQuery.Op op : ops) {
            double[] xs = numbers(value, q, op);
            value = switch (op.name()) {
                case "len" -> (long) xs.length;
                case "sum" -> java.util.Arrays.stream(xs).sum();
                case "mean" -> java.util.Arrays.stream(xs).average().orElse(Double.NaN);
                case "count" -> java.util.Arrays.stream(xs).filter(op::test).count();
                default -> reduce(op.name(), xs, q, op);
            };
        }
        return value;
    }

    private static Object reduce(String name, double[] xs, MetricQuery q, MetricQuery.Op op) {
        if (xs.length == 0) {
            throw new Missing("|" + op + " of an empty list in " + q.source(), "the model recorded no values there");
        }
        int best = 0;
        for (int i = 1; i < xs.length; i++) {
            boolean better = name.endsWith("max") ? xs[i] > xs[best] : xs[i] < xs[best];
            best = better ? i : best;
        }
        return name.startsWith("arg") ? (Object) (long) best : (Object) xs[best];
    }

    private static double[] numbers(Object value, MetricQuery q, MetricQuery.Op op) {
        if (!(value instanceof List<?> list)) {
            throw new Missing("|" + op + " needs a list of numbers, but " + q.source() + " reaches "
                    + describe(value), "drop the operation, or point the path at a list");
        }
        double[] xs = new double[list.size()];
        for (int i = 0; i < xs.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new Missing("|" + op + " needs a list of numbers, but element " + i + " is " + describe(list.get(i)),
                        "add an index to the path to reach the numbers");
            }
            xs[i] = n.doubleValue();
        }
        return xs;
    }

    private static double number(Object value, MetricQuery q, MetricQuery.Op op) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new Missing("|" + op + " compares a number, but the value is " + describe(value),
                "reduce it first, e.g. |max|" + op);
    }

    private static String describe(Object value) {
        return value instanceof List<?> l ? "a list of " + l.size() : value instanceof Map<?, ?> ? "an object"
                : value instanceof String ? "text" : "a number";
    }

    private static String format(Object value, MetricQuery q) {
        if (value instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            for (Object v : list) {
                parts.add(format(v, q));
            }
            if (parts.size() <= 1) {
                return String.join("", parts);
            }
            return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
        }
        if (value instanceof Number n) {
            return MetricQuery.Format.number(n.doubleValue(), q.decimals(), q.percent());
        }
        if (value instanceof Map<?, ?>) {
            throw new Missing(q.source() + " is an object, not a value", known(value));
        }
        return String.valueOf(value);
    }

    private Map<String, Object> metrics(String model, TrainedModel m) {
        return metricsCache.computeIfAbsent(m, k -> {
            Map<?, ?> metrics = m.metrics();
            return metrics == null ? Map.of() : asMap(metrics);
        });
    }

    /** The spec's resolved settings, defaults included, as its kind gives them ({@code KindSpec.values()}). */
    private Map<String, Object> spec(String model) {
        return models.get(model).spec().values();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return o instanceof Map<?, ?> ? (Map<String, Object>) o : Map.of();
    }

    private static String stem(String fileName) {
        return fileName.substring(0, fileName.length() - ".safetensors".length());
    }

    /** A claim whose condition the trained models do not meet: message and hint for the diagnostic. */
    private static final class Broken extends RuntimeException {
        final String hint;

        Broken(String message, String hint) {
            super(message);
            this.hint = hint;
        }
    }

    /** A metric the trained models do not have: message and hint for the diagnostic. */
    private static final class Missing extends RuntimeException {
        final String hint;

        Missing(String message, String hint) {
            super(message);
            this.hint = hint;
        }
    }
}
