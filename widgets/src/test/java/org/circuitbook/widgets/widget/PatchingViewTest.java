package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.circuitbook.widgets.data.SyntheticLanguage;
import org.circuitbook.widgets.model.ActivationPatching;
import org.circuitbook.widgets.model.InductionHeadsTest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The activation-patching widget's drawing and words, on the hand-built induction circuit. */
@DisplayName("Patching view")
class PatchingViewTest {
    private static final String[] NAMES = SyntheticLanguage.tokenNames(5);
    private static final ActivationPatching.Prompts PROMPTS =
            new ActivationPatching.Prompts(new int[] {0, 1, 2, 3, 1}, new int[] {0, 1, 4, 3, 1}, 2, 4);

    @Test
    @DisplayName("describes the heatmap while it fills in and, once done, where patching restores most in each row")
    void describe() {
        ActivationPatching.Experiment e = ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff");
        String intro = "Activation patching heatmap, residual stream, by layer and position: 3 rows by 5 positions. Each "
                + "cell is the share of the logit difference (\"bi\" minus \"bu\") restored by patching that clean "
                + "activation into the corrupted run (clean 1.00, corrupted -1.00).";
        assertEquals(intro + " Computing: 0 of 15 patched runs done.", PatchingView.describe(e, NAMES));
        while (!e.done()) {
            e.computeNext();
        }
        assertEquals(intro + " Most restored in each row: resid_pre 0 at position 2 (\"bi\" / corrupted \"bu\") 1.00; "
                + "resid_pre 1 at position 2 (\"bi\" / corrupted \"bu\") 1.00; resid_post 1 at position 4 (\"be\") 1.00.",
                PatchingView.describe(e, NAMES));
        assertEquals("Patching resid_pre 1 at position 2 (\"bi\" / corrupted \"bu\") from the clean run into the corrupted "
                + "run gives a logit difference of 1.00: 100% of the way from corrupted (-1.00) to clean (1.00).",
                PatchingView.readout(e, NAMES, 1, 2));
        ActivationPatching.Experiment h = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "heads", "probability");
        assertEquals("Activation patching heatmap, each head's output (all positions): 2 layers by 1 head. Each cell is "
                + "the share of the probability of the clean answer (\"bi\") restored by patching that clean activation "
                + "into the corrupted run (clean 0.40, corrupted 0.15). Most restored in each row: head 0.0 (its output at "
                + "every position) 0.00; head 1.0 (its output at every position) 1.00.", PatchingView.describe(h, NAMES));
    }

    @Test
    @DisplayName("maps drawing coordinates to cells and draws pending cells grey, computed ones in colour")
    void cellsAndDrawing() {
        ActivationPatching.Experiment e = ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff");
        // 5 columns of 72 px (the cap) from x = 96; 3 rows of 56 px from y = 62
        assertArrayEquals(new int[] {0, 0}, PatchingView.cellAt(e, 97, 63));
        assertArrayEquals(new int[] {2, 4}, PatchingView.cellAt(e, 96 + 4 * 72 + 1, 62 + 2 * 56 + 1));
        assertNull(PatchingView.cellAt(e, 95, 63));
        assertNull(PatchingView.cellAt(e, 96 + 5 * 72 + 1, 63));
        SvgPainter pending = new SvgPainter(PatchingView.WIDTH, PatchingView.HEIGHT);
        PatchingView.paint(pending, e, NAMES, -1, -1);
        assertTrue(pending.toSvg("x").contains("computing 0 of 15 patched runs"));
        while (!e.done()) {
            e.computeNext();
        }
        SvgPainter done = new SvgPainter(PatchingView.WIDTH, PatchingView.HEIGHT);
        PatchingView.paint(done, e, NAMES, 0, 2);
        String svg = done.toSvg("x");
        assertTrue(svg.contains(Colormaps.diverging(1)), "a fully restoring cell is drawn in the scale's red");
        assertTrue(svg.contains(">1.00<"), "and labelled with its share");
    }

    @Test
    @DisplayName("the arrow keys move the way they point in each arrangement: on its side (narrow, by layer and position) "
            + "right is the next layer and down the next position; Home and End go along the row shown")
    void keysFollowTheArrangement() {
        ActivationPatching.Experiment e = ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "resid", "logit-diff");
        // wide: 3 layers' rows by 5 positions' columns
        assertArrayEquals(new int[] {1, 3}, PatchingView.move(e, false, 1, 2, "ArrowRight"));
        assertArrayEquals(new int[] {2, 2}, PatchingView.move(e, false, 1, 2, "ArrowDown"));
        assertArrayEquals(new int[] {1, 0}, PatchingView.move(e, false, 1, 2, "Home"));
        assertArrayEquals(new int[] {1, 4}, PatchingView.move(e, false, 1, 2, "End"));
        // narrow: on its side, a row per position and a column per layer
        assertArrayEquals(new int[] {2, 2}, PatchingView.move(e, true, 1, 2, "ArrowRight"));
        assertArrayEquals(new int[] {0, 2}, PatchingView.move(e, true, 1, 2, "ArrowLeft"));
        assertArrayEquals(new int[] {1, 3}, PatchingView.move(e, true, 1, 2, "ArrowDown"));
        assertArrayEquals(new int[] {1, 1}, PatchingView.move(e, true, 1, 2, "ArrowUp"));
        assertArrayEquals(new int[] {0, 2}, PatchingView.move(e, true, 1, 2, "Home"));
        assertArrayEquals(new int[] {2, 2}, PatchingView.move(e, true, 1, 2, "End"));
        assertArrayEquals(new int[] {2, 4}, PatchingView.move(e, true, 2, 4, "ArrowDown"), "the grid's edge holds");
        assertArrayEquals(new int[] {2, 4}, PatchingView.move(e, true, 2, 4, "ArrowRight"));
        assertNull(PatchingView.move(e, true, 1, 2, "PageDown"));
        for (boolean narrow : new boolean[] {false, true}) {
            for (String key : new String[] {"ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp"}) {
                double[] from = PatchingView.cellBox(e, narrow, 1, 2);
                int[] to = PatchingView.move(e, narrow, 1, 2, key);
                double[] box = PatchingView.cellBox(e, narrow, to[0], to[1]);
                double dx = box[0] - from[0];
                double dy = box[1] - from[1];
                String where = key + (narrow ? " narrow" : " wide");
                assertEquals(key.equals("ArrowRight") ? 1 : key.equals("ArrowLeft") ? -1 : 0, Math.signum(dx), where);
                assertEquals(key.equals("ArrowDown") ? 1 : key.equals("ArrowUp") ? -1 : 0, Math.signum(dy), where);
                assertArrayEquals(to, PatchingView.cellAt(e, narrow, box[0] + box[2] / 2, box[1] + box[3] / 2), where
                        + ": the pointer where the cell is drawn finds it");
            }
        }
        // each head's output keeps its rows (layers) in both arrangements
        ActivationPatching.Experiment h = ActivationPatching.start(InductionHeadsTest.model(), PROMPTS, "heads", "logit-diff");
        assertArrayEquals(new int[] {1, 0}, PatchingView.move(h, true, 0, 0, "ArrowDown"));
        assertArrayEquals(new int[] {1, 0}, PatchingView.move(h, false, 0, 0, "ArrowDown"));
        assertArrayEquals(new int[] {0, 0}, PatchingView.move(h, true, 0, 0, "ArrowRight"), "one head per layer");
    }

    @Test
    @DisplayName("every view in every mode draws in both arrangements; attribution's second grid maps to the same cells; "
            + "the words name the method and its baseline")
    void modes() {
        ActivationPatching.Prompts firstA =
                new ActivationPatching.Prompts(new int[] {0, 1, 2, 3, 1}, new int[] {0, 4, 2, 3, 1}, 2, 4);
        for (String view : ActivationPatching.views(InductionHeadsTest.model().cfg())) {
            for (String mode : ActivationPatching.MODES) {
                ActivationPatching.Experiment e = ActivationPatching.run(InductionHeadsTest.model(),
                        view.equals("path") ? firstA : PROMPTS, view, "logit-diff", "denoise", mode);
                for (boolean narrow : new boolean[] {false, true}) {
                    SvgPainter p = new SvgPainter(PatchingView.WIDTH, PatchingView.HEIGHT, narrow);
                    PatchingView.paint(p, e, NAMES, 0, 0);
                    String svg = p.toSvg("x");
                    assertTrue(svg.contains(mode.equals("patch") && !view.equals("path") ? "Activation patching"
                            : PatchingView.title(e).substring(0, 12)), view + " " + mode + ": " + svg);
                    for (int grid = 0; grid < PatchingView.grids(e); grid++) {
                        double[] box = PatchingView.cellBox(e, narrow, grid, e.rows() - 1, e.cols() - 1);
                        assertArrayEquals(new int[] {e.rows() - 1, e.cols() - 1},
                                PatchingView.cellAt(e, narrow, box[0] + box[2] / 2, box[1] + box[3] / 2),
                                view + " " + mode + " grid " + grid + (narrow ? " narrow" : " wide"));
                    }
                }
            }
        }
        ActivationPatching.Experiment mean = ActivationPatching.run(InductionHeadsTest.model(), PROMPTS, "heads", "logit-diff",
                "denoise", "mean-ablation");
        assertTrue(PatchingView.describe(mean, NAMES).startsWith("Mean ablation heatmap, each head's output (all positions): "
                + "2 rows by 1 column. Baseline: the mean over 16 prompts of the task."),
                PatchingView.describe(mean, NAMES));
        assertTrue(PatchingView.readout(mean, NAMES, 1, 0).startsWith("Replacing head 1.0 (its output at every position) in "
                + "the clean run by its mean over 16 prompts of the task gives a logit difference of "));
        ActivationPatching.Experiment path = ActivationPatching.run(InductionHeadsTest.model(), firstA, "path", "logit-diff",
                "denoise", "attribution");
        assertEquals("head 0.0 to head 1.0 through the key (K) only", PatchingView.where(path, NAMES, 0, 1));
        assertTrue(PatchingView.readout(path, NAMES, 0, 1).contains(" Attribution patching estimates "));
        assertTrue(PatchingView.describe(path, NAMES).contains("Estimate and real patching correlate with r = "));
    }
}
