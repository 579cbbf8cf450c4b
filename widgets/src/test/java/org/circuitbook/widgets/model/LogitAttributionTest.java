package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Direct logit attribution and the logit lens on random models, with and without MLPs. */
@DisplayName("Direct logit attribution and the logit lens")
class LogitAttributionTest {
    static final int[] TOKENS = {3, 7, 1, 3, 7, 9};

    /** |sum of the terms - the model's logit difference| within 1e-4 of the larger of |difference| and Σ|term|. */
    static void assertSumsToLogitDiff(LogitAttribution.Decomposition d) {
        for (int p = 0; p < d.positions(); p++) {
            if (!d.has(p)) {
                continue;
            }
            double scale = Math.abs(d.logitDiff()[p]);
            for (double v : d.values()[p]) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertEquals(d.logitDiff()[p], d.sum(p), 1e-4 * scale, "position " + p);
        }
    }

    @Test
    @DisplayName("the terms add up to the logit difference at every position (attention-only, MLPs, a wrong answer or the mean)")
    void sumIdentity() {
        for (boolean attnOnly : new boolean[] {true, false}) {
            for (long seed = 1; seed <= 5; seed++) {
                HookedTransformer model = TransformerFixtures.random(TransformerFixtures.small(attnOnly, "gelu"), seed, 0.5);
                int[] answers = {2, 5, 0, 10, 4, 6};
                int[] wrongs = {8, LogitAttribution.MEAN, 3, 1, LogitAttribution.MEAN, 2};
                LogitAttribution.Decomposition d = LogitAttribution.decompose(model, TOKENS, answers, wrongs);
                assertSumsToLogitDiff(d);
                Tensor logits = model.forward(TOKENS);
                assertEquals(logits.get(0, 2) - logits.get(0, 8), d.logitDiff()[0], 1e-6);
                double mean = 0;
                for (int j = 0; j < 11; j++) {
                    mean += logits.get(1, j) / 11.0;
                }
                assertEquals(logits.get(1, 5) - mean, d.logitDiff()[1], 1e-5);
            }
        }
    }

    @Test
    @DisplayName("names the terms: embeddings, each head, each MLP, the attention biases and b_U")
    void terms() {
        List<String> attnOnly = LogitAttribution.terms(TransformerFixtures.small(true, null)).stream()
                .map(LogitAttribution.Term::label).toList();
        assertEquals(List.of("embed", "pos embed", "head 0.0", "head 0.1", "head 1.0", "head 1.1", "attn biases", "b_U"),
                attnOnly);
        List<String> withMlp = LogitAttribution.terms(TransformerFixtures.small(false, "relu")).stream()
                .map(LogitAttribution.Term::label).toList();
        assertEquals(List.of("embed", "pos embed", "head 0.0", "head 0.1", "head 1.0", "head 1.1", "MLP 0", "MLP 1",
                "attn biases", "b_U"), withMlp);
    }

    @Test
    @DisplayName("a head's term is its output z W_O read along W_U[:, a] - W_U[:, b], and positions without an answer are NaN")
    void headTermByHand() {
        HookedTransformer model = TransformerFixtures.random(TransformerFixtures.small(true, null), 7, 0.5);
        ActivationCache cache = model.runWithCache(TOKENS);
        int[] answers = {LogitAttribution.NONE, 4, 4, 4, 4, 4};
        int[] wrongs = {0, 6, 6, 6, 6, 6};
        LogitAttribution.Decomposition d = LogitAttribution.decompose(model, TOKENS, answers, wrongs);
        assertTrue(Double.isNaN(d.value(0, 0)) && Double.isNaN(d.logitDiff()[0]) && !d.has(0));
        Tensor z = cache.get("blocks.1.attn.hook_z");
        Tensor wO = model.W_O(1);
        Tensor wU = model.W_U();
        double byHand = 0;
        for (int e = 0; e < 4; e++) {
            for (int m = 0; m < 8; m++) {
                byHand += z.get(3, 0, e) * wO.get(0, e, m) * (wU.get(m, 4) - wU.get(m, 6));
            }
        }
        assertEquals(byHand, d.value(3, 4), 1e-5); // term 4: head 1.0
    }

    @Test
    @DisplayName("the induction answer is what followed the token's last earlier occurrence; next tokens end with it")
    void answers() {
        assertArrayEquals(new int[] {-1, -1, -1, 7, 1, -1}, LogitAttribution.inductionAnswers(TOKENS));
        assertArrayEquals(new int[] {7, 1, 3, 7, 9, -1}, LogitAttribution.nextTokens(TOKENS));
        assertArrayEquals(new int[] {5, 6, 4, 5, 6, 4}, LogitAttribution.nextTokens(new int[] {4, 5, 6, 4, 5, 6}));
    }

    @Test
    @DisplayName("the bigram guess is the direct path's top entry other than the answer; the runner-up the model's")
    void guesses() {
        HookedTransformer model = TransformerFixtures.random(TransformerFixtures.small(true, null), 3, 0.5);
        Tensor direct = org.circuitbook.widgets.tensor.Ops.addBias(Circuits.directPath(model), model.b_U());
        int best = 0;
        int second = -1;
        for (int j = 1; j < 11; j++) {
            if (direct.get(5, j) > direct.get(5, best)) {
                best = j;
            }
        }
        for (int j = 0; j < 11; j++) {
            if (j != best && (second < 0 || direct.get(5, j) > direct.get(5, second))) {
                second = j;
            }
        }
        assertEquals(best, LogitAttribution.bigramGuess(model, 5, -1));
        assertEquals(second, LogitAttribution.bigramGuess(model, 5, best));
        Tensor logits = model.forward(TOKENS);
        int top = LogitLens.of(model, TOKENS, LogitAttribution.nextTokens(TOKENS)).top(2, 4, 1)[0];
        assertTrue(LogitAttribution.runnerUp(logits, 4, top) != top);
        assertEquals(logits.get(4, LogitAttribution.runnerUp(logits, 4, top)),
                logits.get(4, LogitLens.of(model, TOKENS, TOKENS).top(2, 4, 2)[1]));
    }

    @Test
    @DisplayName("the logit lens's last stage is the model's logits exactly, its top token their argmax, and ranks count from 1")
    void lens() {
        for (boolean attnOnly : new boolean[] {true, false}) {
            HookedTransformer model = TransformerFixtures.random(TransformerFixtures.small(attnOnly, "relu"), 11, 0.5);
            LogitLens lens = LogitLens.of(model, TOKENS, LogitAttribution.nextTokens(TOKENS));
            assertEquals(attnOnly ? List.of("embed", "after layer 0", "after layer 1")
                    : List.of("embed", "layer 0 attn", "layer 0 MLP", "layer 1 attn", "layer 1 MLP"),
                    java.util.stream.IntStream.range(0, lens.stages()).mapToObj(lens::stage).toList());
            Tensor logits = model.forward(TOKENS);
            int last = lens.stages() - 1;
            assertEquals(logits, lens.logits(last), "bit for bit");
            for (int p = 0; p < TOKENS.length; p++) {
                int argmax = 0;
                for (int j = 1; j < 11; j++) {
                    argmax = logits.get(p, j) > logits.get(p, argmax) ? j : argmax;
                }
                assertEquals(argmax, lens.top(last, p, 3)[0]);
                assertEquals(1, lens.rank(last, p, argmax));
                double sum = 0;
                for (int j = 0; j < 11; j++) {
                    sum += lens.probability(last, p, j);
                    assertTrue(lens.rank(last, p, j) >= 1 && lens.rank(last, p, j) <= 11);
                }
                assertEquals(1.0, sum, 1e-9);
                int[] top = lens.top(0, p, 11);
                for (int i = 0; i < top.length; i++) {
                    assertEquals(i + 1, lens.rank(0, p, top[i]));
                }
            }
            // the embedding stage is W_E[t] + W_pos[p] read through W_U + b_U
            Tensor wE = model.W_E();
            double byHand = model.b_U().get(2);
            for (int m = 0; m < 8; m++) {
                byHand += (wE.get(TOKENS[1], m) + model.W_pos().get(1, m)) * model.W_U().get(m, 2);
            }
            assertEquals(byHand, lens.logits(0).get(1, 2), 1e-5);
        }
    }
}
