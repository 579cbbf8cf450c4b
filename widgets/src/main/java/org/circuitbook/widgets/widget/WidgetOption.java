package org.circuitbook.widgets.widget;

import java.util.List;

/**
 * One {@code :key: value} option of a widget, as data: its name, what it is, its default, the values it may take
 * for a given model, and how it is checked. The build checks every option a chapter writes against the model it
 * names; the figure carries each as {@code data-KEY}, and the live figure reads it (a browser test checks that it
 * does: an option the live figure ignored would make the static drawing and the live one disagree).
 *
 * @param name         the key, e.g. {@code sparsity}
 * @param type         what its value is
 * @param defaultValue what the widget does without it, in words (e.g. "the sparsest model")
 * @param help         one line on what it does
 * @param check        the value against the model: null when it is fine, else the problem
 */
public record WidgetOption(String name, Type type, String defaultValue, String help, Check check) {
    /** The kinds of value an option takes. */
    public enum Type {
        /** A whole number. */
        INTEGER,
        /** A decimal number. */
        NUMBER,
        /** One of a list of words. */
        CHOICE,
        /** A head of the model, as LAYER.HEAD (e.g. {@code 0.2}): which ones exist depends on the model. */
        HEAD,
        /** Words in a row, checked together (an opening's moves, e.g. {@code B1 A1}). */
        WORDS
    }

    /** A problem with an option's value or with the model: a message and a hint (or null). */
    public record Problem(String message, String hint) {
    }

    /** Checks a value (as written) against the model the figure runs. */
    @FunctionalInterface
    public interface Check {
        Problem check(String value, ModelInfo model);
    }

    /** An option whose value is one of {@code choices}, whatever the model. */
    public static WidgetOption choice(String name, List<String> choices, String help, String widget) {
        return new WidgetOption(name, Type.CHOICE, choices.get(0), help, (value, model) -> choices.contains(value) ? null
                : new Problem("unknown " + name + " \"" + value + "\" for widget " + widget,
                "known: " + String.join(", ", choices)));
    }

    /** A number that must be one of the model's list setting {@code setting} (e.g. the sparsities trained). */
    public static WidgetOption trainedNumber(String name, String setting, String what, String defaultValue, String help) {
        return new WidgetOption(name, Type.NUMBER, defaultValue, help, (value, model) -> {
            List<String> trained = model.labels(setting);
            double v;
            try {
                v = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                return new Problem(name + " must be a number, got \"" + value + "\"", "trained: " + String.join(", ", trained));
            }
            return model.numbers(setting).contains(v) ? null
                    : new Problem("model " + model.name() + " " + what + " " + value, "trained: " + String.join(", ", trained));
        });
    }

    /** A whole number that must be one of the model's list setting {@code setting} (e.g. the dictionary sizes). */
    public static WidgetOption trainedInteger(String name, String setting, String what, String defaultValue, String help) {
        return new WidgetOption(name, Type.INTEGER, defaultValue, help, (value, model) -> {
            String trained = "trained: " + String.join(", ", model.labels(setting));
            int v;
            try {
                v = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                return new Problem(name + " must be a whole number, got \"" + value + "\"", trained);
            }
            return v >= 0 && model.numbers(setting).contains((double) v) ? null
                    : new Problem("model " + model.name() + " " + what + " " + value, trained);
        });
    }
}
