package org.circuitbook.widgets.browser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.widget.Control;
import org.circuitbook.widgets.widget.Controls;
import org.circuitbook.widgets.widget.Fmt;
import org.teavm.jso.dom.html.HTMLElement;
import org.teavm.jso.dom.html.HTMLInputElement;
import org.teavm.jso.dom.html.HTMLOptionElement;
import org.teavm.jso.dom.html.HTMLSelectElement;

/**
 * The generic half of a widget's controls: builds the {@link Controls} a widget declares (each control labelled,
 * with an id unique on the page, {@code WIDGET-N-ID}; sliders with an {@code <output>} and tick marks; the shared
 * CSS classes), restores each value from the figure's state in the URL fragment (else the declared first value),
 * and on every change the reader makes hands the control's key to the widget's {@link Listener} and, when the
 * widget takes the change, writes the figure's state back to the fragment. Nothing is written before the reader
 * has changed something.
 *
 * <p>Values are in the URL's form (see {@link Control}); the widget reads them with {@link #value} and sets them
 * (its own interactions, a reset, a random prompt) with {@link #set}.
 */
final class LiveControls {
    /** The widget's half: a control changed. */
    @FunctionalInterface
    interface Listener {
        /**
         * The control {@code key} has a new value ({@link #value}); a button was pressed. False when the widget
         * refuses it (a prompt it cannot read): the URL state keeps the last value it took.
         */
        boolean changed(String key);
    }

    private static int counter;

    private final HTMLElement figure;
    private final Controls declared;
    private final String prefix;
    private final Map<String, String> values = new HashMap<>();
    private final Map<String, HTMLElement> elements = new HashMap<>();
    private final Map<String, HTMLElement> outputs = new HashMap<>();
    private final List<HTMLElement> rows = new ArrayList<>();
    private Listener listener = key -> true;

    private LiveControls(HTMLElement figure, Controls declared) {
        this.figure = figure;
        this.declared = declared;
        this.prefix = figure.getAttribute("data-widget") + "-" + (++counter) + "-";
    }

    /** Builds {@code declared} for {@code figure} (not yet on the page: see {@link #rows}), restored from the URL. */
    static LiveControls build(HTMLElement figure, Controls declared) {
        LiveControls c = new LiveControls(figure, declared);
        for (List<Control> row : declared.rows()) {
            HTMLElement div = Dom.create("div", "widget-controls");
            for (Control control : row) {
                c.create(div, control);
            }
            c.rows.add(div);
        }
        for (Control control : declared.all()) {
            if (control.kind() == Control.Kind.RANGE && !control.ticks().isEmpty()) {
                Dom.ticks(c.elements.get(control.key()), control.ticks());
            }
        }
        c.restore();
        return c;
    }

    /** Who hears of the reader's changes. */
    void listen(Listener listener) {
        this.listener = listener;
    }

    /** The rows of controls ({@code div.widget-controls}), to put in the live figure. */
    List<HTMLElement> rows() {
        return rows;
    }

    /** The element of control {@code key}. */
    HTMLElement element(String key) {
        return elements.get(key);
    }

    /** The id of control {@code key}'s element. */
    String id(String key) {
        return prefix + declared.get(key).id();
    }

    /** The value of control {@code key} (the URL's form), or null. */
    String value(String key) {
        return values.get(key);
    }

    /** The position of a stops slider (its stop) or a select (its choice). */
    int index(String key) {
        Control c = declared.get(key);
        HTMLElement el = elements.get(key);
        if (c.kind() == Control.Kind.STOPS) {
            return Math.max(0, Math.min(c.choices().size() - 1, (int) number(input(el).getValue())));
        }
        return c.kind() == Control.Kind.SELECT ? Math.max(0, el.<HTMLSelectElement>cast().getSelectedIndex())
                : Math.max(0, c.indexOf(values.get(key)));
    }

    /** Whether toggle {@code key} is on. */
    boolean on(String key) {
        return "1".equals(values.get(key));
    }

    /** Sets control {@code key} to {@code value} (the URL's form; null clears a state); the page follows. */
    void set(String key, String value) {
        Control c = declared.get(key);
        String v = c.accept(value);
        if (c.kind() == Control.Kind.STATE || c.kind() == Control.Kind.TOGGLE) {
            values.put(key, v);
        } else if (v != null) {
            write(c, v);
            values.put(key, read(c));
        }
        refresh(c);
    }

    /** Writes the figure's state to the URL fragment: the reader changed something. */
    void save() {
        WidgetState.save(figure.getAttribute("id"), state());
    }

    /** The state string, {@code key=value&...}: the values in the declared order, empty ones and switched-off ones left out. */
    String state() {
        StringBuilder s = new StringBuilder();
        for (String key : declared.order()) {
            Control c = declared.get(key);
            String v = values.get(key);
            if (c == null || v == null || v.isEmpty() || c.when() != null && !on(c.when())) {
                continue;
            }
            s.append(s.length() == 0 ? "" : "&").append(key).append('=').append(v);
        }
        return s.toString();
    }

    private void create(HTMLElement row, Control c) {
        String id = prefix + c.id();
        HTMLElement el;
        switch (c.kind()) {
            case STOPS, RANGE -> {
                HTMLInputElement input = Dom.create("input", null).cast();
                input.setType("range");
                boolean stops = c.kind() == Control.Kind.STOPS;
                input.setAttribute("min", stops ? "0" : plain(c.min()));
                input.setAttribute("max", stops ? Integer.toString(c.choices().size() - 1) : plain(c.max()));
                input.setAttribute("step", stops ? "1" : plain(c.step()));
                el = input;
            }
            case WHOLE -> {
                HTMLInputElement input = Dom.create("input", "widget-number").cast();
                input.setType("number");
                input.setAttribute("min", plain(c.min()));
                input.setAttribute("max", plain(c.max()));
                el = input;
            }
            case WORDS -> {
                HTMLInputElement input = Dom.create("input", "widget-tokens").cast();
                input.setType("text");
                input.setAttribute("spellcheck", "false");
                el = input;
            }
            case SELECT -> {
                el = Dom.create("select", null);
                for (Control.Choice choice : c.choices()) {
                    HTMLOptionElement option = Dom.create("option", null).cast();
                    option.setValue(choice.value());
                    option.setTextContent(choice.text());
                    el.appendChild(option);
                }
            }
            case ACTION, TOGGLE -> {
                el = Dom.create("button", null);
                el.setAttribute("type", "button");
                el.setTextContent(c.label());
                if (c.kind() == Control.Kind.TOGGLE) {
                    el.setAttribute("aria-pressed", "false");
                }
            }
            default -> {
                return; // STATE: nothing on the page
            }
        }
        if (c.kind() != Control.Kind.ACTION && c.kind() != Control.Kind.TOGGLE) {
            el.setAttribute("id", id);
            row.appendChild(Dom.label(id, c.label()));
        }
        row.appendChild(el);
        elements.put(c.key(), el);
        if (c.kind() == Control.Kind.STOPS || c.kind() == Control.Kind.RANGE) {
            HTMLElement out = Dom.create("output", null);
            out.setAttribute("for", id);
            if (c.announce()) {
                out.setAttribute("aria-live", "polite");
            }
            row.appendChild(out);
            outputs.put(c.key(), out);
        }
        boolean click = c.kind() == Control.Kind.ACTION || c.kind() == Control.Kind.TOGGLE;
        boolean change = c.kind() == Control.Kind.SELECT || c.kind() == Control.Kind.WORDS;
        el.addEventListener(click ? "click" : change ? "change" : "input", e -> changed(c));
    }

    /** Each value from the figure's state in the URL fragment where it holds a good one, else the declared first one. */
    private void restore() {
        String state = WidgetState.forFigure(figure.getAttribute("id"));
        for (Control c : declared.all()) {
            boolean off = c.when() != null && !"1".equals(WidgetState.value(state, c.when()));
            String v = off ? null : c.accept(WidgetState.value(state, c.key()));
            if (v == null) {
                v = c.accept(c.initial());
            }
            if (c.kind() == Control.Kind.STATE || c.kind() == Control.Kind.TOGGLE) {
                values.put(c.key(), v);
            } else if (c.shown()) {
                if (v != null) {
                    write(c, v);
                }
                values.put(c.key(), read(c));
            }
            refresh(c);
        }
    }

    /** The reader changed control {@code c}. */
    private void changed(Control c) {
        String old = values.get(c.key());
        if (c.kind() == Control.Kind.ACTION) {
            if (listener.changed(c.key())) {
                save();
            }
            return;
        }
        String now = c.kind() == Control.Kind.TOGGLE ? (on(c.key()) ? "" : "1") : read(c);
        if (now == null) {
            return; // e.g. a number field being typed in, not (yet) a number in range
        }
        values.put(c.key(), now);
        // the readout first, then the widget's redraw: a canvas's fillText brings the page's style and layout up
        // to date, so a readout written after the redraw would cost the frame a second layout
        refresh(c);
        if (listener.changed(c.key())) {
            save();
        } else {
            values.put(c.key(), old);
            refresh(c);
        }
    }

    /** The value control {@code c} shows, in the URL's form (null when it holds none it takes). */
    private String read(Control c) {
        HTMLElement el = elements.get(c.key());
        switch (c.kind()) {
            case STOPS -> {
                int i = (int) number(input(el).getValue());
                return c.choices().isEmpty() ? null : c.choices().get(Math.max(0, Math.min(c.choices().size() - 1, i))).value();
            }
            case SELECT -> {
                HTMLSelectElement select = el.cast();
                if (select.getSelectedIndex() < 0 && !c.choices().isEmpty()) {
                    select.setSelectedIndex(0);
                }
                return select.getValue();
            }
            case RANGE, WHOLE, WORDS -> {
                return c.accept(input(el).getValue());
            }
            default -> {
                return values.get(c.key());
            }
        }
    }

    private void write(Control c, String v) {
        HTMLElement el = elements.get(c.key());
        switch (c.kind()) {
            case STOPS -> input(el).setValue(Integer.toString(Math.max(0, c.indexOf(v))));
            case SELECT -> {
                HTMLSelectElement select = el.cast();
                select.setValue(v);
                if (select.getSelectedIndex() < 0) {
                    select.setSelectedIndex(0); // a value this model does not have
                }
            }
            case RANGE, WHOLE -> input(el).setValue(v);
            case WORDS -> input(el).setValue(v.replace('.', ' '));
            default -> {
            }
        }
    }

    /** A slider's readout and spoken value, a toggle's state and words. */
    private void refresh(Control c) {
        String v = values.get(c.key());
        HTMLElement el = elements.get(c.key());
        HTMLElement out = outputs.get(c.key());
        if (c.kind() == Control.Kind.STOPS && v != null) {
            Dom.text(out, c.choices().get(index(c.key())).text());
            if (c.valueText() != null) {
                Dom.attribute(el, "aria-valuetext", c.valueText() + v);
            }
        } else if (c.kind() == Control.Kind.RANGE && v != null) {
            Dom.text(out, Fmt.fixed(number(v), c.decimals()));
        } else if (c.kind() == Control.Kind.TOGGLE) {
            boolean on = "1".equals(v);
            Dom.attribute(el, "aria-pressed", on ? "true" : "false");
            Dom.text(el, c.choices().get(on ? 1 : 0).text());
            showDependents();
        }
    }

    /**
     * Shows the controls that belong to a toggle ({@link Control#when}) only while it is on: a control whose toggle
     * is off carries {@code data-off}, and the stylesheet hides it with its label and readout.
     */
    private void showDependents() {
        for (Control d : declared.all()) {
            if (d.when() == null) {
                continue;
            }
            for (HTMLElement el : new HTMLElement[] {elements.get(d.key()), outputs.get(d.key())}) {
                if (el == null) {
                    continue;
                }
                if (on(d.when())) {
                    if (el.hasAttribute("data-off")) {
                        el.removeAttribute("data-off");
                    }
                } else {
                    Dom.attribute(el, "data-off", "");
                }
            }
        }
    }

    private static HTMLInputElement input(HTMLElement el) {
        return el.cast();
    }

    /** A number as an attribute writes it: "1", "0.5". */
    private static String plain(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
