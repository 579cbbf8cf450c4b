package org.circuitbook.widgets.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Othello")
class OthelloTest {
    private final Othello o = new Othello(4);

    private static int[] legalSquares(boolean[] legal) {
        int k = 0;
        for (boolean b : legal) {
            if (b) {
                k++;
            }
        }
        int[] out = new int[k];
        k = 0;
        for (int i = 0; i < legal.length; i++) {
            if (legal[i]) {
                out[k++] = i;
            }
        }
        return out;
    }

    @Test
    @DisplayName("4x4: 12 tokens, the centre squares have none, tokens and squares invert each other")
    void tokens() {
        assertEquals(12, o.vocab());
        assertEquals(-1, o.tokenOf(5));
        assertEquals(-1, o.tokenOf(6));
        assertEquals(-1, o.tokenOf(9));
        assertEquals(-1, o.tokenOf(10));
        assertEquals(4, o.tokenOf(4));
        assertEquals(5, o.tokenOf(7));
        assertEquals(11, o.tokenOf(15));
        for (int t = 0; t < 12; t++) {
            assertEquals(t, o.tokenOf(o.squareOf(t)));
        }
        assertEquals(60, new Othello(8).vocab());
    }

    @Test
    @DisplayName("standard start: white on the main diagonal of the centre, black first, legal moves 1, 4, 11, 14 flipping one disc each")
    void start() {
        Othello.State s = o.start();
        assertArrayEquals(new int[] {0, 0, 0, 0, 0, 2, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0}, s.cells);
        assertEquals(Othello.BLACK, s.toMove);
        assertArrayEquals(new int[] {1, 4, 11, 14}, legalSquares(o.legal(s)));
        for (int sq : new int[] {1, 4, 11, 14}) {
            assertEquals(1, o.flips(s.cells, Othello.BLACK, sq));
        }
        assertFalse(o.over(s));
    }

    @Test
    @DisplayName("a move flips the enclosed discs and hands the turn over; an illegal move is refused")
    void play() {
        Othello.State s = o.play(o.start(), 4);
        assertArrayEquals(new int[] {0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 2, 0, 0, 0, 0, 0}, s.cells);
        assertEquals(Othello.WHITE, s.toMove);
        // white's disc at 10 closes 0-5 (diagonal), 2-6 (column) and 8-9 (row)
        assertArrayEquals(new int[] {0, 2, 8}, legalSquares(o.legal(s)));
        assertThrows(IllegalArgumentException.class, () -> o.play(o.start(), 0));
        // two-direction flip count: black at 0 and 2, white at 1; black at 3? a hand-made line B W W _
        int[] cells = new int[16];
        cells[0] = Othello.BLACK;
        cells[1] = Othello.WHITE;
        cells[2] = Othello.WHITE;
        cells[7] = Othello.WHITE;
        cells[11] = Othello.BLACK;
        assertEquals(3, o.flips(cells, Othello.BLACK, 3)); // two west, one south
        Othello.State after = o.play(new Othello.State(cells, Othello.BLACK), 3);
        assertArrayEquals(new int[] {1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0}, after.cells);
    }

    @Test
    @DisplayName("a player with no legal move passes: the mover moves again; the game ends when neither can move")
    void passAndEnd() {
        int[] cells = new int[16];
        cells[1] = Othello.WHITE;
        cells[2] = Othello.BLACK;
        cells[5] = Othello.WHITE;
        Othello.State s = o.play(new Othello.State(cells, Othello.BLACK), 0);
        assertArrayEquals(new int[] {1, 1, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, s.cells);
        assertEquals(Othello.BLACK, s.toMove, "white cannot move, so black moves again");
        assertFalse(o.over(s));
        Othello.State end = o.play(s, 9);
        assertTrue(o.over(end), "no white disc left");
        // a pass the caller did not apply: white to move but only black can play 9
        Othello.State forced = o.play(new Othello.State(s.cells, Othello.WHITE), 9);
        assertArrayEquals(end.cells, forced.cells);
    }

    @Test
    @DisplayName("random games: deterministic per seed, every move legal, each game played to its end, replay gives the states")
    void randomGames() {
        int[][] games = o.randomGames(300, 7);
        int[][] again = o.randomGames(300, 7);
        int lengthSum = 0;
        for (int g = 0; g < games.length; g++) {
            assertArrayEquals(games[g], again[g]);
            assertTrue(games[g].length >= 1 && games[g].length <= 12);
            lengthSum += games[g].length;
            Othello.State s = o.start();
            Othello.State[] states = o.replay(games[g]);
            for (int t = 0; t < games[g].length; t++) {
                int sq = o.squareOf(games[g][t]);
                assertTrue(o.legal(s)[sq], "game " + g + " move " + t);
                s = o.play(s, sq);
                assertArrayEquals(s.cells, states[t].cells);
                assertEquals(s.toMove, states[t].toMove);
                int discs = 0;
                for (int c : s.cells) {
                    discs += c == 0 ? 0 : 1;
                }
                assertEquals(5 + t, discs);
            }
            assertTrue(o.over(s));
        }
        assertTrue(lengthSum > 300 * 8, "most 4x4 games fill most of the board");
    }
}
