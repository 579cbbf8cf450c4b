package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.Othello;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The probe and steering widgets' shared computations on a {@link BoardModel} built by hand. */
@DisplayName("Board widgets")
public class BoardWidgetsTest {
    /** A 2-layer model that puts all its probability on A1 and whose probe reads every square as "mine". */
    public static final class Fake implements BoardModel {
        public int[] lastTokens;
        public int lastStage = -1;
        public int[] lastEdit;

        @Override
        public int layers() {
            return 2;
        }

        @Override
        public double[] moves(int[] tokens) {
            lastTokens = tokens;
            double[] p = new double[16];
            p[0] = 1;
            return p;
        }

        @Override
        public int[] readout(int[] tokens, String labelling, int stage) {
            lastStage = stage;
            int[] r = new int[16];
            java.util.Arrays.fill(r, 1);
            return r;
        }

        @Override
        public double[] edit(int[] tokens, int stage, int square, int newClass) {
            lastEdit = new int[] {stage, square, newClass};
            double[] p = new double[16];
            p[0] = 0.5;
            p[square] += 0.5;
            return p;
        }

        @Override
        public double[] steer(int[] tokens, int stage, float[] direction, float alpha) {
            return moves(tokens);
        }

        @Override
        public float[] direction(String name, int stage, int square) {
            return new float[4];
        }
    }

    static LiveFigure figure(Map<String, String> options) {
        return new LiveFigure() {
            @Override
            public String id() {
                return "fig";
            }

            @Override
            public String option(String name) {
                return options.get(name);
            }
        };
    }

    @Test
    @DisplayName("the probe board after B1: the model gets the tokens, the read-out is at the stage asked")
    void probeBoard() {
        Othello rules = new Othello(4);
        Fake model = new Fake();
        BoardView.Board b = BoardWidgets.probeBoard(rules, model, new int[] {1}, "relative", 2, 5);
        assertArrayEquals(new int[] {rules.tokenOf(1)}, model.lastTokens);
        assertEquals(2, model.lastStage);
        assertArrayEquals(BoardViewTest.CELLS, b.cells());
        assertEquals(1.0, b.predicted()[0]);
        assertEquals(5, b.selected());
        // truth (white to move): mine = the white C3, theirs = four black, empty 11; the fake says mine everywhere
        assertEquals(1, b.agreeing());
        BoardView.Board start = BoardWidgets.probeBoard(rules, model, new int[0], "colour", 1, -1);
        assertNull(start.readout());
        assertNull(start.predicted());
    }

    @Test
    @DisplayName("stages, alpha stops with 0, flips of mine and theirs, the initial stage")
    void choices() {
        assertEquals(List.of("0: embeddings", "1: after block 0", "2: after block 1"),
                BoardWidgets.stages(2).stream().map(Control.Choice::text).toList());
        assertEquals(List.of("-8", "-4", "-2", "-1", "0", "1", "2", "4", "8"),
                BoardWidgets.alphaStops().stream().map(Control.Choice::value).toList());
        assertEquals("0 (off)", BoardWidgets.alphaStops().get(4).text());
        assertEquals(2, BoardWidgets.flipped(1));
        assertEquals(1, BoardWidgets.flipped(2));
        assertEquals(-1, BoardWidgets.flipped(0));
        Fake model = new Fake();
        assertEquals(1, BoardWidgets.initialStage(null, model));
        assertEquals(2, BoardWidgets.initialStage("2", model));
        assertEquals(1, BoardWidgets.initialStage("7", model));
    }

    @Test
    @DisplayName("controls: the chapter's moves, layer and labelling first; URL order as the rows list them")
    void controls() {
        Controls probe = BoardWidgets.probeControls(figure(Map.of("moves", "B1 A1", "layer", "2", "labelling", "colour")), 2);
        assertEquals("B1 A1", probe.get("moves").initial());
        assertEquals("2", probe.get("layer").initial());
        assertEquals("colour", probe.get("labelling").initial());
        assertEquals(List.of("moves", "layer", "labelling", "intervene", "square"), probe.order());
        Controls steering = BoardWidgets.steeringControls(figure(Map.of()), 2);
        assertEquals("0", steering.get("alpha").initial());
        assertEquals("probe", steering.get("direction").initial());
        assertEquals("1", steering.get("layer").initial());
        assertEquals(List.of("moves", "square", "direction", "alpha", "layer"), steering.order());
    }

    @Test
    @DisplayName("intervening flips the square's read-out (mine to theirs) and shows before and after")
    void intervene() {
        Othello rules = new Othello(4);
        Fake model = new Fake();
        BoardWidgets.Steered s = BoardWidgets.intervene(rules, model, new int[] {1}, 8, 2);
        assertArrayEquals(new int[] {2, 8, 2}, model.lastEdit);
        assertEquals(1.0, s.before()[0]);
        assertEquals(0.5, s.after()[0]);
        assertEquals(0.5, s.after()[8]);
        assertNull(BoardWidgets.intervene(rules, model, new int[0], 8, 2));
        Drawing d = BoardWidgets.interventionDrawing(rules, model, new int[] {1}, "relative", 8, 2);
        assertEquals(BoardWidgets.WIDE_HEIGHT, d.height());
        assertEquals(BoardWidgets.WIDE_WIDTH, d.width());
        assertTrue(d.description().contains("Flipping A3 along the probe: on A3: probability of A3 0.000 before, 0.500 after;"
                + " off-target change 0.500"), d.description());
    }

    @Test
    @DisplayName("predicted moves: the k most probable squares in square order, ties to the lower square")
    void topMoves() {
        assertArrayEquals(new int[] {1, 3}, BoardWidgets.topMoves(new double[] {0.1, 0.4, 0.1, 0.4}, 2));
        assertArrayEquals(new int[] {0, 1, 3}, BoardWidgets.topMoves(new double[] {0.1, 0.4, 0.1, 0.4}, 3));
        assertArrayEquals(new int[0], BoardWidgets.topMoves(new double[] {0.5, 0.5}, 0));
    }

    @Test
    @DisplayName("steering before the first move: nothing predicted, no bars, no side effect")
    void steerAtStart() {
        BoardWidgets.Steered s = BoardWidgets.steer(new Othello(4), new Fake(), new int[0], "probe", 5, 1, 4);
        assertArrayEquals(new double[16], s.before());
        assertArrayEquals(new double[16], s.after());
        Drawing d = BoardWidgets.steeringDrawing(new Othello(4), new Fake(), new int[0], "probe", 5, 1, 4);
        assertTrue(d.description().contains("off-target change 0.000, KL 0.000 nats."), d.description());
    }
}
