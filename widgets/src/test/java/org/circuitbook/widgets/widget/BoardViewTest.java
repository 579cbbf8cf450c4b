package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The othello board's drawing on a known 4x4 position (the start after black plays B1). */
@DisplayName("Board view")
class BoardViewTest {
    /**
     * Start: B2 white, C2 black, B3 black, C3 white (squares 5, 6, 9, 10). Black plays B1 (square 1), flipping B2:
     * B1 B2 C2 B3 black, C3 white; white to move, whose legal moves are A1, C1 and A3 (squares 0, 2, 8).
     */
    static final int[] CELLS = {0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0};
    static final boolean[] LEGAL = new boolean[16];

    static {
        LEGAL[0] = true;
        LEGAL[2] = true;
        LEGAL[8] = true;
    }

    /** Records what is drawn. */
    static final class Recorder implements Painter {
        final List<String> texts = new ArrayList<>();
        final List<double[]> rings = new ArrayList<>();
        final List<String> fills = new ArrayList<>();
        final List<double[]> panels = new ArrayList<>();
        int lines;
        int width;
        int height;

        @Override
        public void frame(int w, int h) {
            width = w;
            height = h;
        }

        @Override
        public void panel(String name, double x, double y, double w, double h) {
            panels.add(new double[] {x, y, w, h});
        }

        @Override
        public void fillRect(double x, double y, double w, double h, String color) {
        }

        @Override
        public void line(double x1, double y1, double x2, double y2, String color, double w) {
            lines++;
        }

        @Override
        public void circle(double cx, double cy, double r, String color, double w) {
            rings.add(new double[] {cx, cy, r});
        }

        @Override
        public void fillCircle(double cx, double cy, double r, String color) {
            fills.add(color);
        }

        @Override
        public void text(String text, double x, double y, String color, int sizePx, String align) {
            texts.add(text);
            double w = Arrangement.textWidth(text, sizePx);
            double left = "left".equals(align) ? x : "center".equals(align) ? x - w / 2 : x - w;
            assertTrue(left >= 0 && left + w <= BoardView.WIDTH, "text inside the drawing: " + text);
        }
    }

    @Test
    @DisplayName("square names run A1 top-left to D4 bottom-right, and parse back")
    void names() {
        assertEquals("A1", BoardView.name(0, 4));
        assertEquals("D1", BoardView.name(3, 4));
        assertEquals("A2", BoardView.name(4, 4));
        assertEquals("D4", BoardView.name(15, 4));
        for (int s = 0; s < 16; s++) {
            assertEquals(s, BoardView.square(BoardView.name(s, 4), 4));
        }
        assertEquals(9, BoardView.square("b3", 4));
        assertEquals(-1, BoardView.square("E1", 4));
        assertEquals(-1, BoardView.square("A5", 4));
        assertEquals(-1, BoardView.square("A", 4));
        assertEquals(-1, BoardView.square("Ax", 4));
    }

    @Test
    @DisplayName("relative labels follow the player to move; colour labels are the cells")
    void labels() {
        assertEquals(0, BoardView.truthClass(0, 2, "relative"));
        assertEquals(2, BoardView.truthClass(1, 2, "relative"));
        assertEquals(1, BoardView.truthClass(2, 2, "relative"));
        assertEquals(1, BoardView.truthClass(1, 2, "colour"));
        assertEquals(2, BoardView.truthClass(2, 1, "colour"));
    }

    @Test
    @DisplayName("hit testing maps each square's centre to it and the margins to none")
    void hit() {
        double cell = BoardView.SIDE / 4;
        for (int s = 0; s < 16; s++) {
            assertEquals(s, BoardView.hit(BoardView.LEFT + (s % 4 + 0.5) * cell, BoardView.TOP + (s / 4 + 0.5) * cell, 4));
        }
        assertEquals(-1, BoardView.hit(BoardView.LEFT - 1, BoardView.TOP + 5, 4));
        assertEquals(-1, BoardView.hit(BoardView.LEFT + 5, BoardView.TOP + BoardView.SIDE + 1, 4));
    }

    @Test
    @DisplayName("draws pieces, read-out discs, a cross per disagreement, rings sized by probability, and the key")
    void drawing() {
        // relative read-out, white to move: truth is 0 2 0 0 / 0 2 2 0 / 0 2 1 0 / 0...; the probe gets A1 and C3 wrong
        int[] readout = {1, 2, 0, 0, 0, 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 0};
        double[] predicted = new double[16];
        predicted[0] = 0.64;
        predicted[2] = 0.25;
        predicted[8] = 0.0;
        BoardView.Board b = new BoardView.Board(4, CELLS, 2, "relative", readout, LEGAL, predicted, -1);
        assertEquals(14, b.agreeing());
        Recorder r = new Recorder();
        BoardView.draw(r, b);
        assertEquals(BoardView.WIDTH, r.width);
        assertEquals(BoardView.HEIGHT, r.height);
        assertTrue(r.texts.contains("white to move \u00b7 probe 14/16 right"), r.texts.toString());
        for (int s = 0; s < 16; s++) {
            assertTrue(r.texts.contains(BoardView.name(s, 4)));
        }
        // 5 pieces + 16 read-out discs + 3 key discs
        assertEquals(5 + 16 + 3, r.fills.size());
        double cell = BoardView.SIDE / 4;
        // rings: 5 piece outlines, 2 predictions (A3's 0 is not drawn), 1 key ring; radius is 0.42 cell x sqrt(p)
        assertEquals(5 + 2 + 1, r.rings.size());
        assertTrue(r.rings.stream().anyMatch(c -> Math.abs(c[2] - 0.42 * cell * 0.8) < 1e-9));
        assertTrue(r.rings.stream().anyMatch(c -> Math.abs(c[2] - 0.42 * cell * 0.5) < 1e-9));
        // grid 10 lines, 3 legal frames of 4, 2 crosses of 2, 1 key line
        assertEquals(10 + 12 + 4 + 1, r.lines);
        for (double[] panel : r.panels) {
            assertTrue(panel[0] >= 0 && panel[1] >= 0 && panel[0] + panel[2] <= BoardView.WIDTH
                    && panel[1] + panel[3] <= BoardView.HEIGHT, "panel inside the frame");
        }
        assertEquals("Othello board, white to move. B1 black. B2 black. C2 black. B3 black. C3 white."
                + " Legal moves: A1 C1 A3. The relative probe reads 14 of 16 squares right.", BoardView.describe(b));
    }

    @Test
    @DisplayName("a selected square gets an ink ring and frame; no read-out draws no discs and no probe key")
    void selectedWithoutReadout() {
        BoardView.Board b = new BoardView.Board(4, CELLS, 2, "colour", null, LEGAL, null, 6);
        Recorder r = new Recorder();
        BoardView.draw(r, b);
        assertEquals(5, r.fills.size(), "the pieces only: no read-out discs, no probe key");
        assertEquals(5 + 1 + 1, r.rings.size());
        assertEquals(10 + 12 + 4 + 1, r.lines);
        assertTrue(r.texts.contains("white to move"));
        assertFalse(r.texts.contains("(probe)"));
        assertTrue(r.texts.contains("legal"));
    }
}
