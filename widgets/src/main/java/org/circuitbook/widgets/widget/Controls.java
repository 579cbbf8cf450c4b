package org.circuitbook.widgets.widget;

import java.util.ArrayList;
import java.util.List;

/**
 * A live figure's controls, as data: rows of {@link Control}s in the order the page shows them (each row a
 * {@code .widget-controls} that wraps), and the order their values take in the URL state. A widget declares them
 * for the model it shows ({@link Widget#controls}); the browser's generic mount builds, restores and saves them.
 *
 * @param rows  the rows, top to bottom; a {@link Control.Kind#STATE} control may sit in any (it shows nothing)
 * @param order the keys of the controls that go in the URL state, in the order the fragment writes them
 */
public record Controls(List<List<Control>> rows, List<String> order) {
    /** No controls. */
    public static final Controls NONE = new Controls(List.of(), List.of());

    public Controls {
        List<List<Control>> copy = new ArrayList<>();
        for (List<Control> row : rows) {
            copy.add(List.copyOf(row));
        }
        rows = List.copyOf(copy);
        order = List.copyOf(order);
    }

    /** These rows, their values in the URL state in the order the rows list them. */
    @SafeVarargs
    public static Controls of(List<Control>... rows) {
        List<String> order = new ArrayList<>();
        for (List<Control> row : rows) {
            for (Control c : row) {
                if (c.inUrl()) {
                    order.add(c.key());
                }
            }
        }
        return new Controls(List.of(rows), order);
    }

    /** One row of controls. */
    public static List<Control> row(Control... controls) {
        return List.of(controls);
    }

    /** These controls with their values in the URL state in the order {@code keys} gives. */
    public Controls inUrlOrder(String... keys) {
        return new Controls(rows, List.of(keys));
    }

    /** Every control, row by row. */
    public List<Control> all() {
        List<Control> all = new ArrayList<>();
        rows.forEach(all::addAll);
        return all;
    }

    /** The control whose key is {@code key}, or null. */
    public Control get(String key) {
        for (Control c : all()) {
            if (c.key().equals(key)) {
                return c;
            }
        }
        return null;
    }
}
