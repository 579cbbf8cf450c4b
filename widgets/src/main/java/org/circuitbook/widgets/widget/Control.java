package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;

/**
 * One control of a live figure, as data (no DOM): what it is, its label, the values it takes, its first value and
 * its key in the figure's URL state ({@code #FIGURE-ID:key=value&...}). A widget declares its controls
 * ({@link Controls}); the browser's generic mount builds them (a labelled element with a unique id, an
 * {@code <output>}, tick marks), restores each from the URL fragment and writes the state back as the reader
 * changes them. Values are always the URL's form: a slider over stops holds the stop ("40", "0.90"), not its
 * position; a field of words holds them joined by dots.
 *
 * @param kind      what it is
 * @param key       its key in the URL state, unique in its widget (also its name in events)
 * @param label     its visible label; a button's text (a toggle's while off); empty for {@link Kind#STATE}
 * @param id        the last part of its element's id (the key, unless given): {@code WIDGET-N-ID}
 * @param initial   its value when the URL holds none (a stop, a choice's value, a number, words)
 * @param choices   a select's choices, a slider's stops (value: in the URL; text: shown), a toggle's two states
 * @param min       the smallest value of a range slider or number field
 * @param max       the largest
 * @param step      a range slider's step
 * @param ticks     a range slider's tick marks (empty: the shared layer's, at each stop or at the quarters)
 * @param decimals  the decimals a range slider's readout shows
 * @param when      the key of a toggle: the value is in the URL state only while that toggle is on (else null)
 * @param valueText the words before a stops slider's value in its {@code aria-valuetext} (null: none)
 * @param announce  whether a slider's readout is announced as it changes ({@code aria-live="polite"})
 * @param nearest   whether a stops slider restores a number from the URL to the numerically nearest stop
 */
public record Control(Kind kind, String key, String label, String id, String initial, List<Choice> choices,
                      double min, double max, double step, List<String> ticks, int decimals, String when,
                      String valueText, boolean announce, boolean nearest) {
    /** The kinds of control. */
    public enum Kind {
        /** A slider over a list of stops (training checkpoints, trained models), with a readout. */
        STOPS,
        /** A slider over numbers from min to max, with a readout. */
        RANGE,
        /** A field for a whole number from min to max. */
        WHOLE,
        /** A drop-down list of choices. */
        SELECT,
        /** A text field of space-separated words (tokens); the URL writes the spaces as dots. */
        WORDS,
        /** A button that does something once (not in the URL). */
        ACTION,
        /** A button that is on or off ({@code aria-pressed}); on is {@code key=1} in the URL. */
        TOGGLE,
        /** State in the URL that no control shows (a cursor on the drawing); the widget sets it. */
        STATE
    }

    /** A value and the words shown for it. */
    public record Choice(String value, String text) {
    }

    public Control {
        choices = List.copyOf(choices);
        ticks = List.copyOf(ticks);
    }

    private static Control of(Kind kind, String key, String label, String initial, List<Choice> choices) {
        return new Control(kind, key, label, key, initial, choices, 0, 0, 0, List.of(), 0, null, null, false, false);
    }

    /** A slider over {@code stops} (each a value for the URL and the words its readout shows), at stop {@code initial}. */
    public static Control stops(String key, String label, List<Choice> stops, int initial) {
        return of(Kind.STOPS, key, label, stops.isEmpty() ? "" : stops.get(Math.max(0, Math.min(stops.size() - 1, initial))).value(), stops);
    }

    /** A slider from {@code min} to {@code max} by {@code step}, its readout showing {@code decimals} decimals. */
    public static Control range(String key, String label, double min, double max, double step, int decimals, String initial) {
        return new Control(Kind.RANGE, key, label, key, initial, List.of(), min, max, step, List.of(), decimals, null, null,
                false, false);
    }

    /** A field for a whole number from {@code min} to {@code max}. */
    public static Control whole(String key, String label, int min, int max, int initial) {
        return new Control(Kind.WHOLE, key, label, key, Integer.toString(initial), List.of(), min, max, 1, List.of(), 0,
                null, null, false, false);
    }

    /** A drop-down list of {@code choices}, at the one whose value is {@code initial}. */
    public static Control select(String key, String label, List<Choice> choices, String initial) {
        return of(Kind.SELECT, key, label, initial, choices);
    }

    /** A text field of space-separated words. */
    public static Control words(String key, String label, String initial) {
        return of(Kind.WORDS, key, label, initial, List.of());
    }

    /** A button that does something. */
    public static Control action(String key, String text) {
        return of(Kind.ACTION, key, text, "", List.of());
    }

    /** A toggle button, off at first, reading {@code off} while off and {@code on} while on. */
    public static Control toggle(String key, String off, String on) {
        return of(Kind.TOGGLE, key, off, "", List.of(new Choice("", off), new Choice("1", on)));
    }

    /** State in the URL that the widget sets itself (e.g. a cursor, {@code cell=3.5}). */
    public static Control state(String key) {
        return of(Kind.STATE, key, "", "", List.of());
    }

    /** The choices whose values are {@code values}, each shown as itself. */
    public static List<Choice> choices(List<String> values) {
        List<Choice> out = new ArrayList<>();
        for (String v : values) {
            out.add(new Choice(v, v));
        }
        return out;
    }

    /** This control with its element's id ending in {@code id} instead of its key. */
    public Control withId(String id) {
        return new Control(kind, key, label, id, initial, choices, min, max, step, ticks, decimals, when, valueText, announce, nearest);
    }

    /** This range slider with tick marks at {@code ticks}. */
    public Control withTicks(List<String> ticks) {
        return new Control(kind, key, label, id, initial, choices, min, max, step, ticks, decimals, when, valueText, announce, nearest);
    }

    /** This control in the URL state only while the toggle {@code toggle} is on. */
    public Control when(String toggle) {
        return new Control(kind, key, label, id, initial, choices, min, max, step, ticks, decimals, toggle, valueText, announce, nearest);
    }

    /** This stops slider, its value read out as {@code words + value} ({@code aria-valuetext}) and announced. */
    public Control announced(String words) {
        return new Control(kind, key, label, id, initial, choices, min, max, step, ticks, decimals, when, words, true, nearest);
    }

    /** This stops slider restoring a number from the URL to the nearest stop (ties: the later). */
    public Control nearestStop() {
        return new Control(kind, key, label, id, initial, choices, min, max, step, ticks, decimals, when, valueText, announce, true);
    }

    /** Whether its value goes in the URL state (every kind but {@link Kind#ACTION}). */
    public boolean inUrl() {
        return kind != Kind.ACTION;
    }

    /** Whether the page shows it (every kind but {@link Kind#STATE}). */
    public boolean shown() {
        return kind != Kind.STATE;
    }

    /**
     * The index of the choice (a select's, a stops slider's) that {@code value} names: the (last) one with that value,
     * else the one equal to it as a number ("1.0" for "1"), else, for a {@link #nearestStop()} slider, the nearest number;
     * -1 when none.
     */
    public int indexOf(String value) {
        if (value == null) {
            return -1;
        }
        for (int i = choices.size() - 1; i >= 0; i--) { // the last: a final model after a checkpoint of its step
            if (choices.get(i).value().equals(value)) {
                return i;
            }
        }
        double target = number(value);
        if (Double.isNaN(target)) {
            return -1;
        }
        for (int i = choices.size() - 1; i >= 0; i--) {
            if (number(choices.get(i).value()) == target) {
                return i;
            }
        }
        if (!nearest || choices.isEmpty()) {
            return -1;
        }
        int best = choices.size() - 1;
        for (int i = 0; i < choices.size(); i++) {
            if (Math.abs(number(choices.get(i).value()) - target) < Math.abs(number(choices.get(best).value()) - target)) {
                best = i;
            }
        }
        return best;
    }

    /**
     * {@code value} (from the URL or the page) as this control's value, or null when it takes no such value: a stop
     * or choice it has (as {@link #indexOf} finds it), a whole number in range (as written: "3" for "03"), a
     * toggle's "1" or "", words with dots for spaces; a range slider's number is clamped by the page itself.
     */
    public String accept(String value) {
        if (value == null) {
            return null;
        }
        switch (kind) {
            case STOPS, SELECT, TOGGLE -> {
                int i = indexOf(value);
                return i < 0 ? null : choices.get(i).value();
            }
            case WHOLE -> {
                try {
                    int v = Integer.parseInt(value.trim());
                    return v >= min && v <= max ? Integer.toString(v) : null;
                } catch (NumberFormatException e) {
                    return null;
                }
            }
            case RANGE -> {
                return Double.isNaN(number(value)) ? null : value;
            }
            case WORDS -> {
                return String.join(".", Fmt.split(value.replace('.', ' '), ' '));
            }
            default -> {
                return value;
            }
        }
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
