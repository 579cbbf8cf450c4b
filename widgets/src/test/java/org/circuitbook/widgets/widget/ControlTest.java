package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Controls as data: how a value from the URL is taken, and the order of the URL state. */
class ControlTest {
    private static final List<Control.Choice> STEPS = List.of(new Control.Choice("0", "0"), new Control.Choice("20", "20"),
            new Control.Choice("40", "40"), new Control.Choice("40", "40 (final)"));

    @Test
    @DisplayName("a stop or choice by its value (the last of equals), else as a number, else the nearest where asked")
    void stopsAndChoices() {
        Control step = Control.stops("step", "Training step", STEPS, 3);
        assertEquals("40", step.initial());
        assertEquals(3, step.indexOf("40"), "the final model, not the checkpoint of the same step");
        assertEquals(1, step.indexOf("20.0"));
        assertEquals(-1, step.indexOf("30"));
        assertNull(step.accept("x"));
        Control sparsity = Control.stops("sparsity", "Sparsity", Control.choices(List.of("0.00", "0.50", "0.90")), 2).nearestStop();
        assertEquals(1, sparsity.indexOf("0.6"));
        assertEquals("0.90", sparsity.accept("0.9"));
        assertEquals(-1, sparsity.indexOf("dense"));
        Control l1 = Control.select("l1", "L1 coefficient", Control.choices(List.of("0.1", "1")), "1");
        assertEquals("1", l1.accept("1.0"));
    }

    @Test
    @DisplayName("whole numbers in range as written, words with dots, a toggle's 1")
    void values() {
        Control a = Control.whole("a", "a", 0, 58, 12);
        assertEquals("3", a.accept(" 03"));
        assertNull(a.accept("59"));
        assertNull(a.accept("-1"));
        Control tokens = Control.words("tokens", "Tokens", "ba be");
        assertEquals("ba.be", tokens.accept(tokens.initial()));
        assertEquals("ba.be.bi", tokens.accept(" ba  be.bi "));
        Control live = Control.toggle("live", "Train", "Stop");
        assertEquals("1", live.accept("1"));
        assertNull(live.accept("yes"));
    }

    @Test
    @DisplayName("the URL order: the rows' order, or the one given; buttons are not in it")
    void order() {
        Controls c = Controls.of(Controls.row(Control.words("tokens", "Tokens", "ba"), Control.action("repeat", "Repeat")),
                Controls.row(Control.stops("step", "Training step", STEPS, 0), Control.state("cell")));
        assertEquals(List.of("tokens", "step", "cell"), c.order());
        assertEquals(List.of("step", "cell", "tokens"), c.inUrlOrder("step", "cell", "tokens").order());
        assertEquals("repeat", c.get("repeat").key());
        assertNull(c.get("nothing"));
    }
}
