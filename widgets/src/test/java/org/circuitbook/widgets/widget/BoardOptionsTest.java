package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.circuitbook.widgets.data.Othello;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The othello widgets' options, checked against a 2-layer 4x4 model and the rules. */
@DisplayName("Board widgets' options")
class BoardOptionsTest {
    static final ModelInfo MODEL = new ModelInfo("othello-test", "othello", Map.of("n_layers", 2L, "board", 4L));

    @Test
    @DisplayName(":moves: accepts a legal opening and names the first illegal or unknown move")
    void moves() {
        assertNull(BoardOptions.checkMoves("B1 A1", 4));
        assertNull(BoardOptions.checkMoves("", 4));
        assertEquals("move 1 A1 is not legal for black", BoardOptions.checkMoves("A1", 4));
        assertEquals("move 2 B1 is not legal for white", BoardOptions.checkMoves("B1 B1", 4));
        assertEquals("move 2 \"E1\" is not a square of the 4x4 board (A1 to D4)", BoardOptions.checkMoves("B1 E1", 4));
        WidgetOption.Problem p = BoardOptions.moves("probe").check().check("B1 D4", MODEL);
        assertEquals("move 2 D4 is not legal for white", p.message());
        assertEquals("square names A1 to D4, each a legal move in turn", p.hint());
        assertArrayEquals(new int[] {1, 0}, BoardOptions.opening("B1 A1", 4));
        assertArrayEquals(new int[0], BoardOptions.opening("B1 D4", 4));
    }

    @Test
    @DisplayName(":layer: takes stages 0 to n_layers; :labelling: relative or colour")
    void layerAndLabelling() {
        WidgetOption layer = BoardOptions.layer("probe");
        assertNull(layer.check().check("0", MODEL));
        assertNull(layer.check().check("2", MODEL));
        assertEquals("model othello-test has no stage 3 for widget probe", layer.check().check("3", MODEL).message());
        assertEquals("stages: 0 to 2", layer.check().check("3", MODEL).hint());
        assertEquals("layer must be a whole number, got \"x\"", layer.check().check("x", MODEL).message());
        WidgetOption labelling = BoardOptions.labelling("probe");
        assertNull(labelling.check().check("colour", MODEL));
        assertEquals("unknown labelling \"color\" for widget probe", labelling.check().check("color", MODEL).message());
    }

    @Test
    @DisplayName("the board after B1 is BoardViewTest's fixture: white to move, legal A1 C1 A3")
    void board() {
        Othello rules = new Othello(4);
        BoardView.Board b = BoardOptions.board(rules, new int[] {1}, "relative", null, null, -1);
        assertArrayEquals(BoardViewTest.CELLS, b.cells());
        assertEquals(2, b.toMove());
        assertArrayEquals(BoardViewTest.LEGAL, b.legal());
        assertArrayEquals(new int[] {rules.tokenOf(1), rules.tokenOf(0)}, BoardOptions.tokens(rules, new int[] {1, 0}));
    }
}
