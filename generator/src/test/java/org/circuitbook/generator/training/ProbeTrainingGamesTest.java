package org.circuitbook.generator.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import org.circuitbook.generator.diagnostics.Problems;
import org.circuitbook.widgets.data.Othello;
import org.circuitbook.widgets.widget.ProbeTraining;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The probe widget regenerates the build's games from the spec in the file's metadata: the trainer's own games. */
@DisplayName("ProbeTraining.games (the probe widget's games)")
class ProbeTrainingGamesTest {
    @Test
    @DisplayName("are OthelloTrainer.games for the spec (the same seeds and test salt)")
    void sameGames() {
        Problems problems = new Problems("load");
        ModelSpec parsed = ModelSpec.parse("oth", "oth.yaml", """
                model: {kind: othello, n_layers: 1, d_model: 16, n_heads: 2, d_head: 8, d_mlp: 32}
                data: {train_games: 40, test_games: 9, seed: 7}
                trainer: {steps: 5, sae_latents: 16, sae_steps: 20}
                """, problems);
        problems.throwIfAny();
        OthelloSpec spec = (OthelloSpec) parsed.settings();
        int[][][] want = OthelloTrainer.games(spec);
        int[][][] got = ProbeTraining.games(Map.of("spec", spec.canonical()), new Othello(4));
        assertArrayEquals(want[0], got[0]);
        assertArrayEquals(want[1], got[1]);
    }
}
