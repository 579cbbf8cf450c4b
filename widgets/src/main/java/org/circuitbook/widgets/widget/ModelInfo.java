package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a widget's checks may know of the model a figure names: its spec's name, its kind, and its resolved
 * settings (defaults included) as structured values: whole numbers as {@code Long} or {@code Integer}, decimals as
 * {@code Double}, words as {@code String}, lists as {@code List} of those.
 */
public record ModelInfo(String name, String kind, Map<String, Object> values) {
    /** A whole-number setting, or {@code fallback} when the spec has none. */
    /**
     * For a widget that runs an {@code imported} model only in file format {@code format} ("transformer-lens",
     * "toy-superposition"): the problem when this is an imported model in another format, else null.
     */
    public WidgetOption.Problem importedOtherThan(String format, String widget) {
        Object actual = values.get("format");
        return !kind.equals("imported") || format.equals(actual) ? null : new WidgetOption.Problem("model " + name
                + " is an imported " + actual + " file: " + widget + " runs imported models of format " + format,
                "use a model whose spec says format: " + format);
    }

    /**
     * For a widget whose analyses are weight products of an attention-only model without LayerNorm (the circuits, the
     * composition scores): null unless this is an {@code imported} model that is not a transformer-lens file, has
     * MLPs, or has LayerNorm, each said with what the widget needs.
     */
    public WidgetOption.Problem importedWeightProducts(String widget) {
        if (!kind.equals("imported")) {
            return null;
        }
        WidgetOption.Problem format = importedOtherThan("transformer-lens", widget);
        if (format != null) {
            return format;
        }
        if (Boolean.FALSE.equals(values.get("attn_only"))) {
            return new WidgetOption.Problem("model " + name + " has MLPs: " + widget + " reads the weights of an "
                    + "attention-only model", "use an attention-only model (attn_only: true)");
        }
        Object norm = values.get("normalization_type");
        return norm == null || norm.equals("none") ? null : new WidgetOption.Problem("model " + name + " has LayerNorm ("
                + norm + "): " + widget + "'s weight products assume none", "use a model with normalization_type None");
    }

    public int integer(String key, int fallback) {
        Object v = values.get(key);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    /** A list setting's numbers (empty when there is no such list). */
    public List<Double> numbers(String key) {
        List<Double> out = new ArrayList<>();
        if (values.get(key) instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Number n) {
                    out.add(n.doubleValue());
                }
            }
        }
        return out;
    }

    /** A list setting's numbers as labels and file names write them: 1.0 is "1", 0.30 is "0.3". */
    public List<String> labels(String key) {
        List<String> out = new ArrayList<>();
        for (double d : numbers(key)) {
            out.add(label(d));
        }
        return out;
    }

    /** A number as a label: no trailing zeros, no exponent. */
    public static String label(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        String s = new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        return s;
    }
}
