package org.circuitbook.widgets.widget;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    @DisplayName("ablating the previous-token head breaks induction: the repeat's loss rises")
    void ablation() {
        HookedTransformer model = InductionHeadsTest.model();
        int[] tokens = {1, 2, 3, 1, 2, 3};
        AttentionView.Run clean = AttentionView.run(model, tokens, null);
        AttentionView.Run ablated = AttentionView.run(model, tokens, new int[] {0, 0});
        assertNull(clean.ablatedLosses());
        assertEquals(3, clean.period());
        assertTrue(clean.previous()[0][0] > 0.9 && clean.induction()[1][0] > 0.8, clean.toString());
        assertTrue(ablated.meanLoss(true) > clean.meanLoss(false) + 0.1,
                ablated.meanLoss(true) + " vs " + clean.meanLoss(false));
        assertArrayEquals(clean.losses(), ablated.losses(), "the clean losses are the same run");
        AttentionView.Run reused = AttentionView.withAblation(clean, model, new int[] {0, 0});
        assertArrayEquals(ablated.ablatedLosses(), reused.ablatedLosses(), "a new ablation on the clean run: same losses");
        assertArrayEquals(new int[] {0, 0}, reused.ablated());
        assertNull(AttentionView.withAblation(ablated, model, null).ablatedLosses(), "and back to none");
        assertTrue(AttentionView.describe(ablated).endsWith("With head 0.0 ablated the mean loss is "
                + Fmt.fixed(ablated.meanLoss(true), 2) + "."), AttentionView.describe(ablated));
        assertArrayEquals(new int[] {1, 0}, AttentionView.headAt(clean, 40 + 5, 40 + 132 + 26 + 16 + 5));
        assertNull(AttentionView.headAt(clean, 5, 5));
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
                        AttentionView.withAblation(clean, model, new int[] {layer, head}).ablatedLosses(),
                        "head " + layer + "." + head);
            }
        }
    }

    @Test
    @DisplayName("parses token names and names the first word that is not a token")
    void parse() {
        assertArrayEquals(new int[] {0, 1, 69}, AttentionView.parse(" ba  be zu ", 70));
        assertEquals("ba be zu", AttentionView.format(new int[] {0, 1, 69}));
        assertEquals("\"xy\" is not a token (tokens: ba to bu)", assertThrows(IllegalArgumentException.class,
                () -> AttentionView.parse("ba xy", 5)).getMessage());
    }
}
