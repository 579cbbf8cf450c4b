package org.circuitbook.generator.config;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.circuitbook.generator.diagnostics.Problems;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML mapping that remembers where every key and value came from, so each problem is reported at
 * its {@code path:line:col}. Reads go through typed getters that record a problem (and return the
 * default) instead of guessing; {@link #checkKeys} rejects keys nobody reads.
 *
 * <p>Built on SnakeYAML's node graph rather than its object loader, which loses positions and turns
 * {@code date:} into {@code java.util.Date}.
 */
public final class YamlMap {
    private record Entry(int keyLine, int keyColumn, Node value) {
    }

    private final String path;
    private final int lineOffset;
    private final Map<String, Entry> entries;
    private final Problems problems;
    /** Where problems about absent keys are reported: the section's own key, or the top of the file. */
    private final int anchorLine;
    private final int anchorColumn;

    private YamlMap(String path, int lineOffset, Map<String, Entry> entries, Problems problems, int anchorLine,
                    int anchorColumn) {
        this.path = path;
        this.lineOffset = lineOffset;
        this.entries = entries;
        this.problems = problems;
        this.anchorLine = anchorLine;
        this.anchorColumn = anchorColumn;
    }

    /**
     * Parses {@code text}, whose first line is line {@code firstLine} (1-based) of {@code path}. An empty
     * document is an empty map; a syntax error or a non-mapping document is recorded and gives null.
     */
    public static YamlMap parse(String path, String text, int firstLine, Problems problems) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            if (e.getContextMark() != null && e.getProblem() != null && (e.getProblem().contains("end of stream")
                    || e.getContext() != null && e.getContext().startsWith("while parsing a flow"))) {
                // an unclosed quote or bracket is found only at the end of the file: point at where it opened
                mark = e.getContextMark();
                int line = firstLine + mark.getLine();
                problems.add(path, line, mark.getColumn() + 1, "invalid YAML: " + e.getProblem() + " "
                        + e.getContext(), "close the quote or bracket that opens here");
                return null;
            }
            int line = mark == null ? firstLine : firstLine + mark.getLine();
            int column = mark == null ? 1 : mark.getColumn() + 1;
            String problem = e.getProblem() != null ? e.getProblem() : e.getContext();
            problems.add(path, line, column, "invalid YAML: " + problem,
                    "check the indentation and that every 'key: value' pair has a space after the colon");
            return null;
        } catch (YAMLException e) {
            problems.add(path, firstLine, 1, "invalid YAML: " + e.getMessage(), null);
            return null;
        }
        if (root == null) {
            return new YamlMap(path, firstLine - 1, new LinkedHashMap<>(), problems, firstLine, 1);
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.add(path, firstLine + root.getStartMark().getLine(), root.getStartMark().getColumn() + 1,
                    "expected 'key: value' pairs, found a " + kind(root), null);
            return null;
        }
        return fromNode(path, firstLine - 1, mapping, problems, firstLine, 1);
    }

    private static YamlMap fromNode(String path, int lineOffset, MappingNode mapping, Problems problems,
                                    int anchorLine, int anchorColumn) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Node keyNode = tuple.getKeyNode();
            int line = lineOffset + keyNode.getStartMark().getLine() + 1;
            int column = keyNode.getStartMark().getColumn() + 1;
            if (!(keyNode instanceof ScalarNode scalar)) {
                problems.add(path, line, column, "keys must be plain words, found a " + kind(keyNode), null);
                continue;
            }
            if (entries.containsKey(scalar.getValue())) {
                problems.add(path, line, column, "duplicate key \"" + scalar.getValue() + "\"",
                        "first set on line " + entries.get(scalar.getValue()).keyLine());
                continue;
            }
            entries.put(scalar.getValue(), new Entry(line, column, tuple.getValueNode()));
        }
        return new YamlMap(path, lineOffset, entries, problems, anchorLine, anchorColumn);
    }

    public String path() {
        return path;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The 1-based line of {@code key}, or 0 if absent. */
    public int line(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.keyLine();
    }

    public int column(String key) {
        Entry e = entries.get(key);
        return e == null ? 0 : e.keyColumn();
    }

    /** Records every key not in {@code allowed} as an error at the key. */
    public void checkKeys(Set<String> allowed, String where) {
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                problems.add(path, e.getValue().keyLine(), e.getValue().keyColumn(),
                        "unknown key \"" + e.getKey() + "\" in " + where,
                        "known keys: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    /** Records an error at {@code key} (or, when absent, at this section's key or the top of the file). */
    public void error(String key, String message, String hint) {
        Entry e = entries.get(key);
        if (e == null) {
            problems.add(path, anchorLine, anchorColumn, message, hint);
        } else {
            problems.add(path, e.keyLine(), e.keyColumn(), message, hint);
        }
    }

    /** Records an error about another file the spec names ({@code path: stage: message (hint)}, no position). */
    public void fileError(String filePath, String message, String hint) {
        problems.add(org.circuitbook.generator.diagnostics.Diagnostic.file(filePath, problems.stage(), message, hint));
    }

    public String string(String key, String fallback) {
        ScalarNode scalar = scalar(key, "text");
        return scalar == null ? fallback : scalar.getValue();
    }

    /** A required string: records "missing key" when absent. */
    public String requireString(String key, String hint) {
        if (!has(key)) {
            error(key, "missing required key \"" + key + "\"", hint);
            return null;
        }
        return string(key, null);
    }

    public boolean bool(String key, boolean fallback) {
        ScalarNode scalar = scalar(key, "true or false");
        if (scalar == null) {
            return fallback;
        }
        switch (scalar.getValue()) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                valueError(scalar, "expected true or false for \"" + key + "\", got \"" + scalar.getValue() + "\"");
                return fallback;
        }
    }

    public double number(String key, double fallback) {
        ScalarNode scalar = scalar(key, "a number");
        return scalar == null ? fallback : parseNumber(key, scalar, fallback);
    }

    public int integer(String key, int fallback) {
        ScalarNode scalar = scalar(key, "a whole number");
        if (scalar == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(scalar.getValue().replace("_", ""));
        } catch (NumberFormatException e) {
            valueError(scalar, "expected a whole number for \"" + key + "\", got \"" + scalar.getValue() + "\"");
            return fallback;
        }
    }

    /**
     * The number at {@code key} exactly as written, of any size ({@code 1e9}, {@code 1_000} and
     * {@code 3000000000} included), so that a caller can say which limit a value breaks rather than that it
     * did not parse. Null when absent, or when the value is not a number (recorded at the value): a list, a
     * mapping, nothing, text, {@code true}, {@code .inf} or {@code .nan}. {@code expected} names what the key
     * holds in the message, e.g. "a whole number".
     */
    public java.math.BigDecimal exactNumber(String key, String expected) {
        ScalarNode scalar = scalar(key, expected);
        if (scalar == null) {
            return null;
        }
        if (scalar.getTag().equals(org.yaml.snakeyaml.nodes.Tag.NULL)) {
            problems.add(path, lineOffset + scalar.getStartMark().getLine() + 1, scalar.getStartMark().getColumn() + 1,
                    "expected " + expected + " for \"" + key + "\", got nothing", "write a value after the colon");
            return null;
        }
        String text = scalar.getValue().replace("_", "");
        try {
            return new java.math.BigDecimal(text);
        } catch (NumberFormatException e) {
            valueError(scalar, "expected " + expected + " for \"" + key + "\", got \"" + scalar.getValue() + "\"");
            return null;
        }
    }

    /** A list of numbers, e.g. {@code [0, 0.7, 0.9]}; null when absent or malformed (recorded). */
    public List<Double> numbers(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!(e.value() instanceof SequenceNode seq)) {
            valueError(e.value(), "expected a list of numbers for \"" + key + "\", like [0, 0.5, 0.9]");
            return null;
        }
        List<Double> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            if (!(item instanceof ScalarNode scalar)) {
                valueError(item, "expected a number in \"" + key + "\", found a " + kind(item));
                return null;
            }
            out.add(parseNumber(key, scalar, Double.NaN));
        }
        return out;
    }

    /**
     * A list whose items are single values (as String) or mappings (as YamlMap); null when absent or
     * malformed (recorded). A single value stands for a list of one.
     */
    public List<Object> items(String key) {
        return items(key, false);
    }

    /**
     * As {@link #items}, where single values must be text: a number, true/false or an empty value is recorded
     * as a problem (a quoted one is text), e.g. {@code authors: 42}.
     */
    public List<Object> textItems(String key) {
        return items(key, true);
    }

    private List<Object> items(String key, boolean textOnly) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        List<Node> nodes = e.value() instanceof SequenceNode seq ? seq.getValue() : List.of(e.value());
        List<Object> out = new ArrayList<>();
        for (Node item : nodes) {
            if (item instanceof ScalarNode scalar) {
                if (textOnly && !scalar.getTag().equals(org.yaml.snakeyaml.nodes.Tag.STR)) {
                    problems.add(path, lineOffset + item.getStartMark().getLine() + 1, item.getStartMark().getColumn() + 1,
                            "expected text in \"" + key + "\", got " + (scalar.getValue().isEmpty() ? "nothing"
                                    : "\"" + scalar.getValue() + "\""),
                            "write it as text, e.g. " + key + ": [Ada Lovelace]; quote a value that YAML reads as a"
                                    + " number or true/false");
                    return null;
                }
                out.add(scalar.getValue());
            } else if (item instanceof MappingNode mapping) {
                int line = lineOffset + item.getStartMark().getLine() + 1;
                out.add(fromNode(path, lineOffset, mapping, problems, line, item.getStartMark().getColumn() + 1));
            } else {
                valueError(item, "expected a value or 'key: value' pairs in \"" + key + "\", found a " + kind(item));
                return null;
            }
        }
        return out;
    }

    /** A nested mapping; an empty one when absent. */
    public YamlMap map(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            return new YamlMap(path, lineOffset, new LinkedHashMap<>(), problems, anchorLine, anchorColumn);
        }
        if (!(e.value() instanceof MappingNode mapping)) {
            valueError(e.value(), "expected 'key: value' pairs under \"" + key + "\", found a " + kind(e.value()));
            return new YamlMap(path, lineOffset, new LinkedHashMap<>(), problems, e.keyLine(), e.keyColumn());
        }
        return fromNode(path, lineOffset, mapping, problems, e.keyLine(), e.keyColumn());
    }

    /**
     * The value at {@code key} written compactly, whatever its shape ({@code 0.5}, {@code [0, 1]},
     * {@code {0.9: 5}}), for showing a section back to a reader; "" when absent. Records no problem.
     */
    public String shown(String key) {
        Entry e = entries.get(key);
        return e == null ? "" : shown(e.value());
    }

    private static String shown(Node node) {
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        if (node instanceof org.yaml.snakeyaml.nodes.SequenceNode sequence) {
            return "[" + String.join(", ", sequence.getValue().stream().map(YamlMap::shown).toList()) + "]";
        }
        if (node instanceof MappingNode mapping) {
            return "{" + String.join(", ", mapping.getValue().stream()
                    .map(t -> shown(t.getKeyNode()) + ": " + shown(t.getValueNode())).toList()) + "}";
        }
        return "";
    }

    private ScalarNode scalar(String key, String expected) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!(e.value() instanceof ScalarNode scalar)) {
            valueError(e.value(), "expected " + expected + " for \"" + key + "\", found a " + kind(e.value()));
            return null;
        }
        return scalar;
    }

    private double parseNumber(String key, ScalarNode scalar, double fallback) {
        try {
            double v = Double.parseDouble(scalar.getValue().replace("_", ""));
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException ex) {
            valueError(scalar, "expected a number for \"" + key + "\", got \"" + scalar.getValue() + "\"");
            return fallback;
        }
    }

    private void valueError(Node node, String message) {
        problems.add(path, lineOffset + node.getStartMark().getLine() + 1, node.getStartMark().getColumn() + 1,
                message, null);
    }

    private static String kind(Node node) {
        if (node instanceof MappingNode) {
            return "mapping";
        }
        if (node instanceof SequenceNode) {
            return "list";
        }
        return "single value";
    }
}
