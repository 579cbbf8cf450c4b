package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.circuitbook.widgets.model.HeadScores;
import org.circuitbook.widgets.model.Hook;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.InductionHeadsTest;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import java.util.List;

/** The attention-patterns widget's computation on the hand-built induction circuit of InductionHeadsTest. */
@DisplayName("Attention view")
class AttentionViewTest {
    @Test
    @DisplayName("finds the period of a repeat, and none where there is none")
    void period() {
        assertEquals(3, AttentionView.period(new int[] {1, 2, 3, 1, 2, 3}));
        assertEquals(2, AttentionView.period(new int[] {1, 2, 1, 2, 1}));
        assertEquals(0, AttentionView.period(new int[] {1, 2, 3, 1, 2, 4}));
        assertEquals(0, AttentionView.period(new int[] {1, 2, 3}));
    }

    @Test
    @DisplayName("ablating the previous-token head breaks induction: the repeat's loss rises, on the sequence and the probes")
    void ablation() {
        HookedTransformer model = InductionHeadsTest.model();
        int[] tokens = {1, 2, 3, 1, 2, 3};
        int[][] probes = AttentionView.probes(model, 0);
        AttentionView.Run clean = AttentionView.run(model, tokens, null, probes);
        AttentionView.Run ablated = AttentionView.run(model, tokens, new int[] {0, 0}, probes);
        assertNull(clean.ablatedLosses());
        assertNull(clean.probes().ablated());
        assertEquals(3, clean.period());
        // the scores are the heads' on the probes, whatever the sequence
        assertEquals(HeadScores.onProbes(model, probes).induction()[1][0], clean.induction()[1][0]);
        // (3 random tokens of 5 often hold a token twice, which splits an induction head's attention)
        assertTrue(clean.previous()[0][0] > 0.9 && clean.induction()[1][0] > 0.6, clean.probes().toString());
        assertTrue(ablated.meanLoss(true) > clean.meanLoss(false) + 0.1,
                ablated.meanLoss(true) + " vs " + clean.meanLoss(false));
        assertTrue(ablated.probes().ablated().repeatLoss() > clean.probes().clean().repeatLoss() + 0.1,
                ablated.probes() + " vs " + clean.probes());
        assertArrayEquals(clean.losses(), ablated.losses(), "the clean losses are the same run");
        AttentionView.Run reused = AttentionView.withAblation(clean, model, new int[] {0, 0}, ablated.probes());
        assertArrayEquals(ablated.ablatedLosses(), reused.ablatedLosses(), "a new ablation on the clean run: same losses");
        assertArrayEquals(new int[] {0, 0}, reused.ablated());
        assertNull(AttentionView.withAblation(ablated, model, null, clean.probes()).ablatedLosses(), "and back to none");
        assertTrue(AttentionView.describe(ablated).contains("With head 0.0 ablated the mean loss is "
                + Fmt.fixed(ablated.meanLoss(true), 2) + ". This sequence repeats every 3 tokens: "), AttentionView.describe(ablated));
        assertTrue(AttentionView.probeSummary(ablated).endsWith(" on the repeat; head 0.0 ablated: "
                + Fmt.fixed(ablated.probes().ablated().repeatLoss(), 2) + "."), AttentionView.probeSummary(ablated));
        assertTrue(AttentionView.describe(ablated).contains(" The book's probe sequences are 64 of 3 random tokens, then "
                + "the same 3 again (the chapters' numbers). Scores under the heads: "), AttentionView.describe(ablated));
        assertTrue(AttentionView.describe(ablated).contains(". Previous-token scores of heads 0.0 to 1.0: "
                + Fmt.fixed(clean.previous()[0][0], 2) + ", " + Fmt.fixed(clean.previous()[1][0], 2) + "; induction scores: "
                + Fmt.fixed(clean.induction()[0][0], 2) + ", " + Fmt.fixed(clean.induction()[1][0], 2) + ". Losses are "),
                AttentionView.describe(ablated));
        assertArrayEquals(new int[] {1, 0}, AttentionView.headAt(clean, 40 + 5, 40 + 132 + 26 + 16 + 5));
        assertNull(AttentionView.headAt(clean, 5, 5));
    }

    @Test
    @DisplayName("a cell under the pointer, read out by head, query and key token and weight; the loss scale is fixed")
    void cells() {
        HookedTransformer model = InductionHeadsTest.model();
        int[] tokens = {1, 2, 3, 1, 2, 3};
        AttentionView.Run run = AttentionView.run(model, tokens, null);
        String[] names = org.circuitbook.widgets.data.SyntheticLanguage.tokenNames(model.cfg().d_vocab());
        double cell = 132.0 / tokens.length; // wide: head 1.0's panel is at (40, 214), 132 px a side
        int[] at = AttentionView.cellAt(run, false, null, 40 + 2.5 * cell, 214 + 4.5 * cell);
        assertArrayEquals(new int[] {1, 0, 4, 2}, at);
        String text = AttentionView.readout(run, names, at);
        assertEquals("head 1.0, query 4 '" + names[2] + "' -> key 2 '" + names[3] + "': weight "
                + Fmt.fixed(run.patterns()[1].get(0, 4, 2), 3) + " (the token after its previous occurrence: induction)", text);
        assertTrue(AttentionView.readout(run, names, new int[] {0, 1, 1, 3}).endsWith("weight 0.000 (a later token: masked)"));
        assertArrayEquals(new int[] {1, 0}, AttentionView.headAt(run, false, 40 + 1, 214 + 1));
        // one head alone: it fills the heads' area, and the other heads are nowhere
        assertNull(AttentionView.cellAt(run, false, new int[] {1, 0}, 40 + 1, 214 + 1));
        assertArrayEquals(new int[] {1, 0, 0, 0}, AttentionView.cellAt(run, false, new int[] {1, 0}, 320 - 150, 50));
        assertFalse(AttentionView.valid(run, new int[] {2, 0, 0, 0}));
        assertFalse(AttentionView.valid(run, new int[] {0, 0, 6, 0}));
        assertEquals(Math.ceil(2 * Math.log(model.cfg().d_vocab())), AttentionView.lossScale(model.cfg().d_vocab()));
        assertTrue(AttentionView.describe(run).contains(" Losses are drawn from 0 to "
                + Fmt.fixed(AttentionView.lossScale(model.cfg().d_vocab()), 0) + " nats at every checkpoint"));
    }

    @Test
    @DisplayName("an ablation resumed from the clean run gives the losses of a whole run with the head's z zeroed")
    void ablationResumed() {
        HookedTransformer model = InductionHeadsTest.model();
        int[] tokens = {1, 2, 3, 1, 2, 3};
        AttentionView.Run clean = AttentionView.run(model, tokens, null);
        for (int layer = 0; layer < model.cfg().n_layers(); layer++) {
            for (int head = 0; head < model.cfg().n_heads(); head++) {
                int h = head;
                Tensor whole = model.forward(tokens, Hook.at("blocks." + layer + ".attn.hook_z",
                        z -> AttentionView.zeroHead(z, h)));
                assertArrayEquals(HeadScores.tokenLosses(whole, tokens),
                        AttentionView.withAblation(clean, model, new int[] {layer, head}, null).ablatedLosses(),
                        "head " + layer + "." + head);
            }
        }
    }

    @Test
    @DisplayName("sums up the sequence's loss before its repeat and in it as the trainer sums up its probes'")
    void summaries() {
        HookedTransformer model = InductionHeadsTest.model();
        int[][] probes = AttentionView.probes(model, 0);
        AttentionView.Run onProbe = AttentionView.run(model, probes[5], null, probes);
        double[] halves = AttentionView.beforeAndInRepeat(onProbe.losses(), 3);
        // one probe alone: the trainer's sums over all probes, for one
        HeadScores.OnProbes one = HeadScores.onProbes(model, new int[][] {probes[5]});
        assertEquals(one.firstHalfLoss(), halves[0], 1e-12);
        assertEquals(one.repeatLoss(), halves[1], 1e-12);
        // period 3: before, the predictions of tokens 1 and 2; the repeat's first token counts in neither
        assertEquals(List.of(0.5, 3.5), List.of(AttentionView.beforeAndInRepeat(new double[] {0, 1, 9, 3, 4}, 3)[0],
                AttentionView.beforeAndInRepeat(new double[] {0, 1, 9, 3, 4}, 3)[1]));
        AttentionView.Run plain = AttentionView.run(model, new int[] {1, 2, 3, 4}, new int[] {1, 0}, probes);
        assertEquals("This sequence does not repeat: loss " + Fmt.fixed(plain.meanLoss(false), 2) + " nats per token; "
                + "head 1.0 ablated: " + Fmt.fixed(plain.meanLoss(true), 2) + ".", AttentionView.sequenceSummary(plain));
        String summary = AttentionView.probeSummary(plain);
        assertTrue(summary.startsWith("Scores under the heads: on the book's 64 probe sequences. Best previous-token "
                + "score in layer 0: "
                + Fmt.fixed(plain.previous()[0][0], 2) + " (head 0.0); best induction score in layer 1: "
                + Fmt.fixed(plain.induction()[1][0], 2) + " (head 1.0). Probe loss "), summary);
        assertEquals("", AttentionView.probeSummary(AttentionView.run(model, new int[] {1, 2}, null)), "no probes");
    }

    @Test
    @DisplayName("parses token names and names the first word that is not a token")
    void parse() {
        assertArrayEquals(new int[] {0, 1, 69}, AttentionView.parse(" ba  be zu ", 70));
        assertEquals("ba be zu", AttentionView.format(new int[] {0, 1, 69}));
        assertEquals("\"xy\" is not a token (tokens: ba to bu)", assertThrows(IllegalArgumentException.class,
                () -> AttentionView.parse("ba xy", 5)).getMessage());
    }

    @Test
    @DisplayName("a model that predicts fewer tokens than it reads (d_vocab_out < d_vocab): a next token it cannot predict "
            + "has no loss (NaN), the means and the drawing leave it out")
    void unpredictableTokens() {
        org.circuitbook.widgets.model.TransformerConfig cfg = new org.circuitbook.widgets.model.TransformerConfig(2, 8, 4,
                2, 16, 11, 9, 6, "relu", false, null, "standard");
        java.util.Random random = new java.util.Random(4);
        java.util.Map<String, Tensor> weights = new java.util.LinkedHashMap<>();
        for (java.util.Map.Entry<String, int[]> e : HookedTransformer.parameterShapes(cfg).entrySet()) {
            Tensor t = Tensor.zeros(e.getValue());
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] = (float) (0.3 * random.nextGaussian());
            }
            weights.put(e.getKey(), t);
        }
        HookedTransformer model = new HookedTransformer(cfg, weights);
        int[] tokens = {1, 10, 2, 1, 10, 2}; // 10 is an input token the model cannot predict
        AttentionView.Run run = AttentionView.run(model, tokens, null, (AttentionView.Probes) null);
        double[] losses = run.losses();
        assertTrue(Double.isNaN(losses[0]) && Double.isNaN(losses[3]), java.util.Arrays.toString(losses));
        double sum = losses[1] + losses[2] + losses[4];
        assertEquals(sum / 3, run.meanLoss(false), 1e-12, "the mean of the predictable ones");
        double[] split = AttentionView.beforeAndInRepeat(losses, 3);
        assertEquals((losses[1]) / 1, split[0], 1e-12, "before the repeat: token 2 (token 10 left out)");
        assertEquals((losses[4]) / 1, split[1], 1e-12, "in the repeat: token 2 again (token 10 left out)");
        AttentionView.Run ablated = AttentionView.withAblation(run, model, new int[] {1, 0}, null);
        assertTrue(Double.isFinite(ablated.meanLoss(true)));
        SvgPainter p = new SvgPainter(AttentionView.WIDTH, AttentionView.HEIGHT, false);
        String[] names = new String[11];
        for (int t = 0; t < 11; t++) {
            names[t] = "t" + t;
        }
        AttentionView.paint(p, ablated, names);
        String svg = p.toSvg("x");
        assertFalse(svg.contains("NaN"), "no NaN drawn");
        assertFalse(AttentionView.describe(ablated).contains("NaN"), AttentionView.describe(ablated));
    }
}
