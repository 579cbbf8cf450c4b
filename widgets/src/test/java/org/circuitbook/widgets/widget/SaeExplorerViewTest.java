package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sae-explorer widget's read-outs on SAEs built by hand over three orthonormal true features (the axes of
 * 3-D space), with tied weights (W_enc = W_dec^T, no biases), so that each alive latent's activation is exactly
 * its feature's coefficient and the reconstruction is exact.
 */
@DisplayName("SAE explorer view")
class SaeExplorerViewTest {
    static final Tensor FEATURES = Tensor.of(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 3, 3);

    /** Five inputs as feature coefficients: f0 alone, f0 and f1, f2 alone, f2 and f0, nothing. */
    static final Tensor BATCH = Tensor.of(new float[] {
            0.5f, 0, 0,
            0.9f, 0.2f, 0,
            0, 0, 0.7f,
            0.3f, 0, 0.4f,
            0, 0, 0}, 5, 3);

    /** An SAE whose decoder rows are {@code wDec} [d_sae, 3]; latents listed in {@code dead} never fire. */
    static SparseAutoencoder sae(float[] wDec, int... dead) {
        int dSae = wDec.length / 3;
        float[] wEnc = new float[3 * dSae];
        float[] bEnc = new float[dSae];
        for (int j = 0; j < dSae; j++) {
            for (int k = 0; k < 3; k++) {
                wEnc[k * dSae + j] = wDec[j * 3 + k];
            }
        }
        for (int j : dead) {
            for (int k = 0; k < 3; k++) {
                wEnc[k * dSae + j] = 0;
            }
            bEnc[j] = -1;
        }
        return new SparseAutoencoder(Tensor.of(wEnc, 3, dSae), Tensor.of(bEnc, dSae), Tensor.of(wDec, dSae, 3),
                Tensor.zeros(3));
    }

    /** Latent 0 is f2, latent 1 is f0, latent 2 is f1; latent 3 points between f0 and f1 and is dead. */
    static SaeExplorerView.Run shuffled() {
        return SaeExplorerView.run(sae(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0.6f, 0.8f, 0}, 3), "0.3", FEATURES, BATCH);
    }

    @Test
    @DisplayName("an SAE whose W_dec is the ground truth: the identity as its cosine matrix, MMCS 1, exact reconstructions")
    void groundTruthDecoder() {
        SaeExplorerView.Run run = SaeExplorerView.run(sae(FEATURES.data().clone()), "1", FEATURES, BATCH);
        assertArrayEquals(FEATURES.data(), run.cos().data());
        assertArrayEquals(new int[] {0, 1, 2}, run.order());
        assertArrayEquals(new int[] {0, 1, 2}, run.best());
        assertEquals(1.0, run.mmcs(), 1e-12);
        assertEquals(0.0, run.evaluation().normalisedReconstructionError(), 1e-12);
        assertEquals(1.2, run.evaluation().l0(), 1e-12); // 1 + 2 + 1 + 2 + 0 active latents over 5 inputs
        assertEquals(0, run.evaluation().dead());
        assertArrayEquals(new int[] {3, 1, 2}, run.fires());
        assertEquals("MMCS 1.000  \u00b7  reconstruction error 0.000  \u00b7  L0 1.20  \u00b7  dead latents 0 of 3", SaeExplorerView.metrics(run));
    }

    @Test
    @DisplayName("orders rows by best-matching feature (the diagonal), dead latents last, and marks them")
    void ordering() {
        SaeExplorerView.Run run = shuffled();
        assertArrayEquals(new int[] {1, 2, 0, 3}, run.order());
        assertArrayEquals(new int[] {2, 0, 1, 1}, run.best());
        assertEquals(2, run.rowOf(0));
        for (int r = 0; r < 3; r++) { // after ordering, row r of the alive latents is feature r
            assertEquals(1f, run.cos().get(run.latentAt(r), r));
        }
        assertEquals(0.8f, run.cos().get(3, 1), 1e-6f);
        assertTrue(run.dead(3));
        assertEquals(0.25, run.evaluation().deadFraction());
        assertEquals(1.0, run.mmcs(), 1e-12);
        SvgPainter svg = new SvgPainter(SaeExplorerView.WIDTH, SaeExplorerView.HEIGHT);
        SaeExplorerView.paint(svg, run, 3, 1, 1);
        String drawn = svg.toSvg("t");
        assertTrue(drawn.contains(">dead latent: never active on the 5 evaluation inputs</text>"), drawn);
        assertTrue(drawn.contains(">latent 3 and feature f1: cosine 0.80 (its best match); latent 3 is dead</text>"), drawn);
        assertTrue(drawn.contains(">MMCS 1.000  \u00b7  reconstruction error 0.000  \u00b7  L0 1.20  \u00b7  dead latents 1 of 4</text>"), drawn);
        assertTrue(drawn.contains("fill=\"#555555\""), "the dead latent's mark");
    }

    @Test
    @DisplayName("lists a latent's top-activating inputs, strongest first, each by its active true features")
    void topActivating() {
        SaeExplorerView.Run run = shuffled();
        assertArrayEquals(new int[] {1, 0, 3}, SaeExplorerView.topActivating(run, 1));
        assertArrayEquals(new int[] {2, 3}, SaeExplorerView.topActivating(run, 0));
        assertArrayEquals(new int[] {}, SaeExplorerView.topActivating(run, 3));
        assertEquals("f2 0.40, f0 0.30", SaeExplorerView.describeInput(run, 3));
        assertEquals("no feature active", SaeExplorerView.describeInput(run, 4));
        assertEquals("f2 0.40, f0 0.30 (matched)", SaeExplorerView.describeInput(run, 3, 0));
        assertEquals(List.of("0.900 on f0 0.90 (matched), f1 0.20", "0.500 on f0 0.50 (matched)",
                "0.300 on f2 0.40, f0 0.30 (matched)"), SaeExplorerView.topLines(run, 1));
        List<SaeExplorerView.TopBar> bars = SaeExplorerView.topBars(run, 1);
        assertEquals(3, bars.size());
        assertEquals(1, bars.get(0).input());
        assertEquals(0.9, bars.get(0).value(), 1e-6);
        assertEquals(1.0, bars.get(0).fraction(), 1e-9);
        assertEquals(0.3 / 0.9, bars.get(2).fraction(), 1e-6);
        assertArrayEquals(new int[] {2, 0}, bars.get(2).features());
        assertEquals("Latent 1 best matches f0 (cosine 1.00) and fires on 3 of 5 inputs. Its strongest activations, "
                + "with the inputs' true features:", SaeExplorerView.latentSummary(run, 1));
        assertEquals("Latent 3 is dead: it fires on none of the 5 evaluation inputs. Its decoder direction is closest "
                + "to f1 (cosine 0.80).", SaeExplorerView.latentSummary(run, 3));

        // more firing inputs than the list holds: the 8 strongest, in order
        float[] c = new float[10 * 3];
        for (int b = 0; b < 10; b++) {
            c[b * 3] = (b % 5 + 1) / 10f; // 0.1 .. 0.5, twice: ties keep the earlier input first
        }
        SaeExplorerView.Run many = SaeExplorerView.run(sae(FEATURES.data().clone()), "1", FEATURES, Tensor.of(c, 10, 3));
        assertArrayEquals(new int[] {4, 9, 3, 8, 2, 7, 1, 6}, SaeExplorerView.topActivating(many, 0));
    }

    @Test
    @DisplayName("describes the figure in words, with the selected latent and its inputs")
    void describe() {
        SaeExplorerView.Run run = shuffled();
        String base = "SAE with 4 latents, L1 coefficient 0.3: decoder directions vs the 3 true features, a 4 by 3 heatmap "
                + "of cosines (rows: latents ordered by best-matching feature; columns: true features; red positive, blue "
                + "negative). 3 of 3 features have a latent at cosine 0.9 or more, and 3 of 4 latents match a feature that "
                + "closely. MMCS 1.000, normalised reconstruction error 0.000, L0 1.20 active latents per input, 1 of 4 "
                + "latents dead on 5 evaluation inputs.";
        assertEquals(base, SaeExplorerView.describe(run, -1));
        assertEquals(base + " Latent 1 best matches f0 (cosine 1.00) and fires on 3 of 5 inputs. Its strongest "
                + "activations, with the inputs' true features: 0.900 on f0 0.90 (matched), f1 0.20; 0.500 on f0 "
                + "0.50 (matched); 0.300 on f2 0.40, f0 0.30 (matched).", SaeExplorerView.describe(run, 1));
        assertEquals(base + " Latent 3 is dead: it fires on none of the 5 evaluation inputs. Its decoder direction is "
                + "closest to f1 (cosine 0.80).", SaeExplorerView.describe(run, 3));
    }

    @Test
    @DisplayName("maps drawing coordinates to (row, feature) cells, and reads a cell out")
    void hitTesting() {
        SaeExplorerView.Run run = shuffled(); // 4 rows of 112 px, 3 columns of 149.33 px, from (92, 84)
        assertArrayEquals(new int[] {0, 0}, SaeExplorerView.cellAt(run, 93, 85));
        assertArrayEquals(new int[] {3, 2}, SaeExplorerView.cellAt(run, 92 + 448 / 3.0 * 2.5, 84 + 112 * 3.5));
        assertArrayEquals(new int[] {1, 1}, SaeExplorerView.cellAt(run, 92 + 448 / 3.0 * 1.01, 84 + 112 * 1.99));
        assertNull(SaeExplorerView.cellAt(run, 91, 100));
        assertNull(SaeExplorerView.cellAt(run, 200, 83));
        assertNull(SaeExplorerView.cellAt(run, 92 + 448, 100));
        assertNull(SaeExplorerView.cellAt(run, 200, 84 + 448));
        assertEquals("latent 1 and feature f0: cosine 1.00 (its best match)", SaeExplorerView.readout(run, 0, 0));
        assertEquals("latent 0 and feature f1: cosine 0.00", SaeExplorerView.readout(run, 2, 1));
    }

    @Test
    @DisplayName("finds the SAE files among a figure's weights and picks the first one to show")
    void files() {
        List<SaeExplorerView.SaeFile> files = SaeExplorerView.saeFiles("models/s/ground-truth.safetensors "
                + "models/s/sae-d32-l1-0.03.safetensors models/s/sae-d32-l1-1.safetensors "
                + "models/s/sae-d64-l1-0.03.safetensors models/s/sae-d64-l1-1.safetensors models/s/sae-dx-l1-1.safetensors models/s/sae-d8-l1-x.safetensors");
        assertEquals(4, files.size());
        assertEquals(new SaeExplorerView.SaeFile(32, "1", "models/s/sae-d32-l1-1.safetensors"), files.get(1));
        assertEquals(List.of(32, 64), SaeExplorerView.sizes(files));
        assertEquals(List.of("0.03", "1"), SaeExplorerView.coefficients(files));
        assertEquals(files.get(0), SaeExplorerView.initial(files, null, null), "the middle size and L1 (rounding down)");
        assertEquals(files.get(3), SaeExplorerView.initial(files, "64", "1.0"));
        assertEquals(files.get(1), SaeExplorerView.initial(files, "48", "1"), "an untrained size falls back");
        assertNull(SaeExplorerView.initial(List.of(), null, null));
    }
}
