package org.circuitbook.generator.markdown;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code {metric}`MODEL/FILE/PATH|op|op:format`} role, parsed: a number the build's training recorded,
 * read from {@code __metadata__["metrics"]} of {@code FILE.safetensors} of the spec {@code MODEL} (or from
 * the resolved spec when FILE is {@code spec}), so prose about the book's models cannot go stale.
 *
 * <p>PATH walks the metrics JSON, list indices being numbers. Operations reduce a list: {@code max, min,
 * argmax, argmin, sum, mean, len}, {@code count>=X} (also {@code > <= <}). FILE {@code *} means every
 * file that has PATH, in order of its {@code step}; the operations before {@code first>=X} apply to each
 * file's value, and {@code first>=X} gives the step of the first file whose value passes. The format:
 * {@code .N} decimals, {@code .N%} a percentage, {@code %} a whole percentage; by default integers print
 * whole and other numbers to three significant figures, and lists as "a, b and c".
 */
public record MetricQuery(String model, String file, List<String> path, List<Op> ops, Integer decimals,
                          boolean percent) {
    static final List<String> REDUCTIONS = List.of("max", "min", "argmax", "argmin", "sum", "mean", "len");
    static final String SYNTAX = "write {metric}`MODEL/FILE/PATH`, e.g. {metric}`modular-addition-p59/final/test_accuracy:.1%`";

    /** One operation: a reduction ({@code comparison} null) or {@code count}/{@code first} with a test. */
    public record Op(String name, String comparison, double operand) {
        public boolean test(double value) {
            return switch (comparison) {
                case ">=" -> value >= operand;
                case ">" -> value > operand;
                case "<=" -> value <= operand;
                default -> value < operand;
            };
        }

        @Override
        public String toString() {
            return comparison == null ? name : name + comparison + Format.number(operand);
        }
    }

    /** The source as written, without the format: what the rendered number says it came from. */
    public String source() {
        StringBuilder sb = new StringBuilder(model + "/" + file);
        path.forEach(p -> sb.append('/').append(p));
        ops.forEach(o -> sb.append('|').append(o));
        return sb.toString();
    }

    /** A role that cannot be parsed: what is wrong, and a hint. */
    public static final class Invalid extends IllegalArgumentException {
        public final String hint;

        Invalid(String message, String hint) {
            super(message);
            this.hint = hint;
        }
    }

    /** Parses the role's content; throws {@link Invalid} saying what is wrong. */
    public static MetricQuery parse(String content) {
        // in a table cell GFM needs the pipes escaped, \|, and leaves the backslash in the role's content
        String text = content.strip().replace("\\|", "|");
        Integer decimals = null;
        boolean percent = false;
        int colon = text.lastIndexOf(':');
        if (colon >= 0) {
            String format = text.substring(colon + 1).strip();
            text = text.substring(0, colon).strip();
            if (format.endsWith("%")) {
                percent = true;
                format = format.substring(0, format.length() - 1);
            }
            if (format.isEmpty() && percent) {
                decimals = 0;
            } else if (format.matches("\\.[0-9]")) {
                decimals = format.charAt(1) - '0';
            } else {
                throw new Invalid("unknown metric format \":" + content.substring(colon + 1).strip() + "\"",
                        "formats: .N for N decimals, .N% or % for a percentage");
            }
        }
        String[] pipes = text.split("\\|", -1);
        String[] parts = pipes[0].strip().split("/", -1);
        if (parts.length < 3 || java.util.Arrays.stream(parts).anyMatch(String::isBlank)) {
            throw new Invalid("metric \"" + content.strip() + "\" needs a model, a file and a path", SYNTAX);
        }
        if (parts[1].equals("spec") && parts.length != 3) {
            throw new Invalid("a spec value is one key", "e.g. " + parts[0] + "/spec/steps");
        }
        List<Op> ops = new ArrayList<>();
        for (int i = 1; i < pipes.length; i++) {
            ops.add(op(pipes[i].strip()));
        }
        boolean all = parts[1].equals("*");
        long firsts = ops.stream().filter(o -> o.name().equals("first")).count();
        if (all && (firsts != 1 || !ops.get(ops.size() - 1).name().equals("first"))) {
            throw new Invalid("a metric over every file (*) must end with one |first",
                    "|first>=X gives the step of the first file whose value is at least X");
        }
        if (!all && firsts > 0) {
            throw new Invalid("|first reads every file of the model", "write " + parts[0] + "/*/...");
        }
        return new MetricQuery(parts[0].strip(), parts[1].strip(),
                java.util.Arrays.stream(parts).skip(2).map(String::strip).toList(), List.copyOf(ops), decimals, percent);
    }

    private static Op op(String text) {
        if (REDUCTIONS.contains(text)) {
            return new Op(text, null, 0);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(count|first)\\s*(>=|<=|>|<)\\s*(-?[0-9.eE+-]+)")
                .matcher(text);
        if (m.matches()) {
            try {
                return new Op(m.group(1), m.group(2), Double.parseDouble(m.group(3)));
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new Invalid("unknown metric operation \"|" + text + "\"",
                "known: " + String.join(", ", REDUCTIONS) + ", count>=X, first>=X; also >, <=, <");
    }

    /** How a resolved value is written in the prose. */
    public static final class Format {
        private Format() {
        }

        /** A number as the default format writes it: whole if it is, else three significant figures. */
        public static String number(double v) {
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                return Long.toString((long) v);
            }
            return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
        }

        public static String number(double v, Integer decimals, boolean percent) {
            double x = percent ? v * 100 : v;
            String s = decimals == null ? number(x)
                    : new java.math.BigDecimal(x).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
            return s + (percent ? "%" : "");
        }
    }
}
