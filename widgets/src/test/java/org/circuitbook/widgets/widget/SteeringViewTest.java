package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The steering read-out's side-effect measures on hand-made distributions, its drawing, and move-list parsing. */
@DisplayName("Steering view and move lists")
class SteeringViewTest {
    @Test
    @DisplayName("softmax of equal logits is uniform; of ln-ratios is the ratios")
    void softmax() {
        assertArrayEquals(new double[] {0.25, 0.25, 0.25, 0.25}, SteeringView.softmax(new float[] {3, 3, 3, 3}), 1e-12);
        double[] p = SteeringView.softmax(new float[] {(float) Math.log(1), (float) Math.log(3)});
        assertEquals(0.25, p[0], 1e-6);
        assertEquals(0.75, p[1], 1e-6);
    }

    @Test
    @DisplayName("off-target change excludes the target; KL is 0 for no change and ln 2 for half-to-all")
    void sideEffects() {
        double[] before = {0.5, 0.5, 0, 0};
        double[] after = {0.2, 0.6, 0.2, 0};
        assertEquals(0.1 + 0.2, SteeringView.offTarget(before, after, 0), 1e-12);
        assertEquals(0.3 + 0.1 + 0.2, SteeringView.offTarget(before, after, -1), 1e-12);
        assertEquals(0.0, SteeringView.kl(before, before), 1e-12);
        assertEquals(Math.log(2), SteeringView.kl(new double[] {1, 0}, new double[] {0.5, 0.5}), 1e-12);
        assertEquals(0.5 * Math.log(0.5 / 0.2) + 0.5 * Math.log(0.5 / 0.6), SteeringView.kl(before, after), 1e-12);
    }

    @Test
    @DisplayName("draws two bars per square, the side-effect bar, and the numbers")
    void drawing() {
        double[] before = new double[16];
        double[] after = new double[16];
        before[0] = 0.5;
        before[2] = 0.5;
        after[0] = 0.9;
        after[2] = 0.1;
        BoardViewTest.Recorder r = new BoardViewTest.Recorder();
        SteeringView.draw(r, before, after, 0, 4);
        assertEquals(SteeringView.WIDTH, r.width);
        assertTrue(r.texts.contains("off-target change 0.400  \u00b7  KL " + Fmt.fixed(SteeringView.kl(before, after), 3)),
                r.texts.toString());
        assertTrue(r.texts.contains("A1") && r.texts.contains("C1") && r.texts.contains("C4") && !r.texts.contains("D4"), "every other square named when 16 share the width");
        assertEquals("Steering with alpha 2.00 on A1: probability of A1 0.500 before, 0.900 after; off-target change 0.400, KL "
                + Fmt.fixed(SteeringView.kl(before, after), 3) + " nats.", SteeringView.describe(before, after, 0, 4, 2));
    }

    @Test
    @DisplayName("move lists parse square names; the first bad word is reported with its offset")
    void moves() {
        BoardView.Moves m = BoardView.moves("B1 a2  C4", 4);
        assertArrayEquals(new int[] {1, 4, 14}, m.squares());
        assertNull(m.error());
        assertArrayEquals(new int[0], BoardView.moves("  ", 4).squares());
        BoardView.Moves bad = BoardView.moves("B1 E2 A1", 4);
        assertNull(bad.squares());
        assertEquals("move 2 \"E2\" is not a square of the 4x4 board (A1 to D4)", bad.error());
        assertEquals(3, bad.offset());
    }
}
