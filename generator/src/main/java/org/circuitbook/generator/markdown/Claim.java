package org.circuitbook.generator.markdown;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code {claim}`WORDS <CONDITION; CONDITION ...>`} role, parsed: words of the prose that state an outcome of a
 * trained model ("four features", "the pentagon", "falls"), bound to conditions on its recorded metrics that the
 * build checks once the models are trained. The page shows the words; a retrained model that no longer shows the
 * outcome fails {@code check} and the build at the role's {@code path:line:col}, so the prose cannot drift from the
 * models.
 *
 * <p>A condition is {@code QUERY CMP VALUE}: QUERY is a {@link MetricQuery} without a format, reduced to one number
 * (its operations written without spaces, {@code feature_norms|count>=0.5}); CMP is one of {@code == != >= <= > <}
 * with a space on each side; VALUE is a number ({@code 4}, {@code 0.5}, {@code 90%}) or another QUERY, so that one
 * metric can be compared with another ({@code sae-toy/sae-d64-l1-1/l0 < sae-toy/sae-d64-l1-0.3/l0}), optionally
 * scaled by a number ({@code attn-only-2l/final/repeated_second_half_loss < 0.2 * attn-only-2l/final/repeated_first_half_loss}).
 */
public record Claim(String words, List<Condition> conditions) {
    static final String SYNTAX = "write {claim}`WORDS <MODEL/FILE/PATH|ops CMP VALUE>`, e.g. "
            + "{claim}`four features <superposition-5x2/sparsity-0.7/feature_norms|count>=0.5 == 4>`";
    private static final Pattern SCALED = Pattern.compile("(\\S+)\\s+\\*\\s+(.*)");
    private static final Pattern CONDITION = Pattern.compile("(.*?)\\s+(==|!=|>=|<=|>|<)\\s+(.*)");

    /** One condition: a metric compared with a number ({@code right} null) or with another metric. */
    public record Condition(MetricQuery left, String comparison, MetricQuery right, double number) {
        /** The value the left side is compared with: the number, or the number times the right metric. */
        public double against(double rightValue) {
            return right == null ? number : number * rightValue;
        }

        public boolean test(double l, double r) {
            return switch (comparison) {
                case "==" -> l == r;
                case "!=" -> l != r;
                case ">=" -> l >= r;
                case "<=" -> l <= r;
                case ">" -> l > r;
                default -> l < r;
            };
        }

        /** The metrics the condition reads: one or two. */
        public List<MetricQuery> queries() {
            return right == null ? List.of(left) : List.of(left, right);
        }

        @Override
        public String toString() {
            return left.source() + " " + comparison + " " + (right == null ? MetricQuery.Format.number(number)
                    : (number == 1 ? "" : MetricQuery.Format.number(number) + " * ") + right.source());
        }
    }

    /** Parses the role's content; throws {@link MetricQuery.Invalid} saying what is wrong. */
    public static Claim parse(String content) {
        // the conditions themselves hold < and >: they start at the first <, not the last as in {ref}
        String c = content.strip();
        int lt = c.indexOf('<');
        String words = lt > 0 ? c.substring(0, lt).strip() : "";
        String target = lt > 0 && c.endsWith(">") ? c.substring(lt + 1, c.length() - 1).strip() : "";
        if (words.isEmpty() || target.isEmpty()) {
            throw new MetricQuery.Invalid("a claim needs the words it stands for and a condition in <...>", SYNTAX);
        }
        List<Condition> conditions = new ArrayList<>();
        for (String part : target.split(";")) {
            conditions.add(condition(part.strip()));
        }
        return new Claim(words, List.copyOf(conditions));
    }

    private static Condition condition(String text) {
        Matcher m = CONDITION.matcher(text);
        if (!m.matches()) {
            throw new MetricQuery.Invalid("claim condition \"" + text + "\" has no comparison",
                    "write METRIC CMP VALUE with CMP one of == != >= <= > <, spaced, e.g. "
                            + "superposition-5x2/sparsity-0.7/feature_norms|count>=0.5 == 4");
        }
        MetricQuery left = query(m.group(1));
        String value = m.group(3).strip();
        Double number = number(value);
        if (number != null) {
            return new Condition(left, m.group(2), null, number);
        }
        Matcher scaled = SCALED.matcher(value);
        Double factor = scaled.matches() ? number(scaled.group(1)) : null;
        return factor != null ? new Condition(left, m.group(2), query(scaled.group(2)), factor)
                : new Condition(left, m.group(2), query(value), 1);
    }

    private static MetricQuery query(String text) {
        MetricQuery q = MetricQuery.parse(text);
        if (q.decimals() != null || q.percent()) {
            throw new MetricQuery.Invalid("a claim compares values; \"" + text.strip() + "\" has a format",
                    "drop the :format; the words of the claim are what the page shows");
        }
        return q;
    }

    private static Double number(String text) {
        boolean percent = text.endsWith("%");
        String digits = percent ? text.substring(0, text.length() - 1).strip() : text;
        if (!digits.matches("-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
            return null;
        }
        double v = Double.parseDouble(digits);
        return percent ? v / 100 : v;
    }

    /** Every metric the claim reads, in order. */
    public List<MetricQuery> queries() {
        return conditions.stream().flatMap(c -> c.queries().stream()).toList();
    }
}
