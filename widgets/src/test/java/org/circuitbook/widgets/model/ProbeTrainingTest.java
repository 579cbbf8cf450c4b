package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.widget.ProbeTraining;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-page probe training, step by step, against ProbeTrainer's one-call fit on a random othello transformer. */
@DisplayName("ProbeTraining (the probe widget's fresh probe)")
class ProbeTrainingTest {
    @Test
    @DisplayName("summed one game per step, it fits ProbeTrainer's probe to the bit and reads its test accuracy; fits every 10 games, read a few test games a step")
    void sameAsProbeTrainer() {
        OthelloModel world = OthelloBoardModelTest.model().model();
        Othello rules = new Othello(4);
        int[][] train = rules.randomGames(35, 1);
        int[][] test = rules.randomGames(45, 2);
        ProbeTraining fresh = new ProbeTraining(world, "relative", 1, train, test, 10);
        int steps = 0;
        while (!fresh.done()) {
            fresh.step();
            steps++;
        }
        assertEquals(45 + 35 + 4 * (1 + 3), steps, "45 test games, 35 training games, fits after 10, 20, 30 and 35, "
                + "each read on the test games " + ProbeTraining.READ_GAMES + " a step");
        List<double[]> curve = fresh.curve();
        assertEquals(List.of(10.0, 20.0, 30.0, 35.0), curve.stream().map(c -> c[0]).toList());
        ProbeTrainer trainer = new ProbeTrainer(world, "relative", 1, train, test);
        while (!trainer.step(7)) {
            // all in
        }
        Tensor[] want = trainer.probe();
        Tensor[] got = fresh.probe();
        assertArrayEquals(want[0].data(), got[0].data());
        assertArrayEquals(want[1].data(), got[1].data());
        assertEquals(trainer.accuracy(), fresh.accuracy(), 0.0);
        for (double[] c : curve) {
            assertTrue(c[1] > 0.3 && c[1] <= 1, "an accuracy: " + c[1]);
        }
    }

    @Test
    @DisplayName("the build's games from the spec in a file's metadata; the build's accuracy from its metrics")
    void gamesAndBuildAccuracy() {
        Othello rules = new Othello(4);
        Map<String, String> meta = Map.of("spec", "othello\nboard=4\ntrain_games=12\ntest_games=3\ndata_seed=5\nsteps=1",
                "metrics", "{\"probe_accuracy\": {\"relative\": [0.5, 0.75], \"colour\": [0.25, 0.625]}}");
        int[][][] games = ProbeTraining.games(meta, rules);
        assertArrayEquals(rules.randomGames(12, 5), games[0]);
        assertArrayEquals(rules.randomGames(3, 5 ^ ProbeTraining.TEST_SALT), games[1]);
        ProbeTraining.Games[] streams = ProbeTraining.streams(meta, rules);
        assertEquals(12, streams[0].count());
        for (int[] game : rules.randomGames(12, 5)) {
            assertArrayEquals(game, streams[0].next(), "drawn one at a time, the same games");
        }
        assertEquals(12, streams[0].drawn());
        assertEquals(0.75, ProbeTraining.buildAccuracy(meta, "relative", 1), 0.0);
        assertEquals(0.25, ProbeTraining.buildAccuracy(meta, "colour", 0), 0.0);
        assertTrue(Double.isNaN(ProbeTraining.buildAccuracy(meta, "colour", 2)));
        assertFalse(Double.isNaN(ProbeTraining.buildAccuracy(meta, "relative", 0)));
    }

    @Test
    @DisplayName("on games drawn one per step, the same curve as on the same games given at once")
    void streamsAsArrays() {
        OthelloModel world = OthelloBoardModelTest.model().model();
        Othello rules = new Othello(4);
        Map<String, String> meta = Map.of("spec", "othello\ntrain_games=30\ntest_games=6\ndata_seed=3");
        int[][][] games = ProbeTraining.games(meta, rules);
        ProbeTraining.Games[] streams = ProbeTraining.streams(meta, rules);
        ProbeTraining given = new ProbeTraining(world, "colour", 2, games[0], games[1], 10);
        ProbeTraining drawn = new ProbeTraining(world, "colour", 2, streams[0], streams[1], 10);
        while (!given.done()) {
            given.step();
        }
        int steps = 0;
        while (!drawn.done()) {
            drawn.step();
            steps++;
        }
        assertEquals(6 + 30 + 3 * 2, steps, "three fits, each a solve and one read of the 6 test games");
        assertEquals(given.curve().stream().map(c -> List.of(c[0], c[1])).toList(),
                drawn.curve().stream().map(c -> List.of(c[0], c[1])).toList());
        assertEquals(30, streams[0].drawn());
    }
}
