package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.TransformerFixtures.random;
import static org.circuitbook.widgets.model.TransformerFixtures.zeros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** TransformerLens's LayerNorm ("LN") and LayerNormPre ("LNPre") in {@link HookedTransformer}. */
class LayerNormTest {
    private static final int[] TOKENS = {3, 1, 4, 1, 5};

    /** The small fixture config (2 layers, d_model 8, 2 heads of 4, d_mlp 16, vocab 11, n_ctx 6) with LayerNorm. */
    static TransformerConfig small(String normalization, boolean attnOnly, String actFn) {
        return new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6, actFn, attnOnly, normalization, "standard");
    }

    /**
     * Random weights as {@link TransformerFixtures#random}, the LayerNorm weights around 1 and biases around 0 (as
     * trained ones are, rather than centred on 0): w = 1 + 0.3 N(0, 1), b = 0.3 N(0, 1).
     */
    static HookedTransformer randomLn(TransformerConfig cfg, long seed) {
        HookedTransformer model = random(cfg, seed, 0.3);
        Map<String, Tensor> weights = new LinkedHashMap<>(model.tensors());
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            if (e.getKey().endsWith("ln1.w") || e.getKey().endsWith("ln2.w") || e.getKey().equals("ln_final.w")) {
                Tensor w = e.getValue().copy();
                for (int i = 0; i < w.size(); i++) {
                    w.data()[i] += 1f;
                }
                e.setValue(w);
            }
        }
        return new HookedTransformer(cfg, weights);
    }

    private final HookedTransformer ln = randomLn(small("LN", false, "gelu"), 11);
    private final HookedTransformer lnPre = randomLn(small("LNPre", false, "relu"), 12);
    private final HookedTransformer lnAttnOnly = randomLn(small("LN", true, null), 13);

    @Test
    @DisplayName("\"LN\" adds ln1, ln2 and ln_final weights and biases [d_model] to the parameters; LNPre and attn_only fewer")
    void parameterShapes() {
        Map<String, int[]> shapes = HookedTransformer.parameterShapes(small("LN", false, "gelu"));
        List<String> names = new ArrayList<>(shapes.keySet());
        assertEquals(List.of("embed.W_E", "pos_embed.W_pos", "blocks.0.ln1.w", "blocks.0.ln1.b", "blocks.0.attn.W_Q"),
                names.subList(0, 5));
        assertEquals(names.indexOf("blocks.0.mlp.W_in") - 2, names.indexOf("blocks.0.ln2.w"));
        assertEquals(List.of("ln_final.w", "ln_final.b", "unembed.W_U", "unembed.b_U"),
                names.subList(names.size() - 4, names.size()));
        for (String n : List.of("blocks.1.ln1.w", "blocks.1.ln1.b", "blocks.1.ln2.w", "blocks.1.ln2.b", "ln_final.b")) {
            assertArrayEquals(new int[] {8}, shapes.get(n), n);
        }
        int plain = HookedTransformer.parameterShapes(TransformerFixtures.small(false, "gelu")).size();
        assertEquals(plain + 2 * 4 + 2, shapes.size());
        assertEquals(plain, HookedTransformer.parameterShapes(small("LNPre", false, "gelu")).size());
        Map<String, int[]> attnOnly = HookedTransformer.parameterShapes(small("LN", true, null));
        assertFalse(attnOnly.containsKey("blocks.0.ln2.w"));
        assertEquals(HookedTransformer.parameterShapes(TransformerFixtures.small(true, null)).size() + 2 * 2 + 2,
                attnOnly.size());
        assertEquals("missing tensor \"blocks.0.ln1.w\" (expected shape [8])", assertThrows(
                IllegalArgumentException.class, () -> {
                    Map<String, Tensor> w = new LinkedHashMap<>(ln.tensors());
                    w.remove("blocks.0.ln1.w");
                    new HookedTransformer(ln.cfg(), w);
                }).getMessage().replaceFirst(".*: ", ""));
    }

    @Test
    @DisplayName("LN and LNPre logits equal an independent double-precision forward pass within 1e-5")
    void matchesReference() {
        // LayerNorm rescales each residual vector to norm sqrt(d_model): logits stay of order 1-10, where float32 agrees
        // with double to about 1e-6, as for the models without LayerNorm (HookedTransformerTest)
        List<HookedTransformer> models = List.of(ln, lnPre, lnAttnOnly,
                randomLn(small("LN", false, "gelu_new"), 14),
                randomLn(small("LNPre", true, null), 15),
                randomLn(new TransformerConfig(2, 10, 13, 2, 12, 11, 7, 7, "relu", false, "LN", "standard", 1e-3), 16),
                randomLn(new TransformerConfig(0, 6, 3, 2, 0, 11, 11, 7, null, true, "LN", "standard"), 17));
        int[][] sequences = {{0}, TOKENS, {10, 10, 10, 10, 10, 10}, {2, 7, 1, 8, 2, 8}};
        for (HookedTransformer model : models) {
            ReferenceTransformer reference = new ReferenceTransformer(model);
            for (int[] tokens : sequences) {
                Tensor logits = model.forward(tokens);
                double[][] expected = reference.logits(tokens);
                for (int p = 0; p < tokens.length; p++) {
                    for (int v = 0; v < expected[p].length; v++) {
                        assertEquals(expected[p][v], logits.get(p, v), 1e-5, model.cfg() + " position " + p + " token " + v);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("a hand-built zero-layer LN model: ln_final of [1, 2, 3, 4] is (x - 2.5) / sqrt(1.25 + eps) * w + b")
    void handBuilt() {
        TransformerConfig cfg = new TransformerConfig(0, 4, 2, 2, 0, 2, 4, 2, null, true, "LN", "standard", 0.01);
        Map<String, Tensor> w = zeros(cfg);
        float[] we = w.get("embed.W_E").data();
        for (int m = 0; m < 4; m++) {
            we[4 + m] = m + 1;          // token 1: [1, 2, 3, 4]; token 0: zeros
        }
        w.get("pos_embed.W_pos").data()[4 + 3] = 4; // position 1: + [0, 0, 0, 4]
        System.arraycopy(new float[] {1, 2, 1, -1}, 0, w.get("ln_final.w").data(), 0, 4);
        System.arraycopy(new float[] {0, 0, 0, 1}, 0, w.get("ln_final.b").data(), 0, 4);
        for (int m = 0; m < 4; m++) {
            w.get("unembed.W_U").data()[m * 4 + m] = 1; // identity: logits are ln_final's output
        }
        HookedTransformer model = new HookedTransformer(cfg, w);
        ActivationCache cache = new ActivationCache();
        Tensor logits = model.forward(new int[] {1, 1}, cache);
        double s0 = Math.sqrt(1.25 + 0.01); // mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25) / 4
        double[] expected0 = {-1.5 / s0, 2 * -0.5 / s0, 0.5 / s0, -1.5 / s0 + 1};
        double s1 = Math.sqrt(7.25 + 0.01); // [1, 2, 3, 8]: mean 3.5, deviations -2.5 -1.5 -0.5 4.5, variance 29 / 4
        double[] expected1 = {-2.5 / s1, 2 * -1.5 / s1, -0.5 / s1, -4.5 / s1 + 1};
        for (int m = 0; m < 4; m++) {
            assertEquals(expected0[m], logits.get(0, m), 1e-6, "position 0 logit " + m);
            assertEquals(expected1[m], logits.get(1, m), 1e-6, "position 1 logit " + m);
        }
        assertEquals(s0, cache.get("ln_final.hook_scale").get(0, 0), 1e-6);
        assertEquals(s1, cache.get("ln_final.hook_scale").get(1, 0), 1e-6);
        assertEquals(List.of("hook_embed", "hook_pos_embed", "ln_final.hook_scale", "ln_final.hook_normalized"),
                new ArrayList<>(cache.names()));
        // all tokens 0: the residual vector is constant, so centred it is zero and LayerNorm gives b exactly
        assertArrayEquals(new float[] {0, 0, 0, 1}, model.forward(new int[] {0}).data());
    }

    @Test
    @DisplayName("hook_normalized has mean 0 and variance var / (var + eps) at every position; hook_scale is [pos, 1]")
    void normalizedIsStandardised() {
        for (HookedTransformer model : List.of(ln, lnPre)) {
            ActivationCache cache = model.runWithCache(TOKENS);
            for (String ln : List.of("blocks.0.ln1.", "blocks.0.ln2.", "blocks.1.ln1.", "blocks.1.ln2.", "ln_final.")) {
                String input = ln.equals("ln_final.") ? "blocks.1.hook_resid_post"
                        : ln.endsWith("ln1.") ? ln.replace("ln1.", "hook_resid_pre") : ln.replace("ln2.", "hook_resid_mid");
                Tensor x = cache.get(input);
                Tensor normalized = cache.get(ln + "hook_normalized");
                Tensor scale = cache.get(ln + "hook_scale");
                assertArrayEquals(new int[] {5, 8}, normalized.shape(), ln);
                assertArrayEquals(new int[] {5, 1}, scale.shape(), ln);
                for (int p = 0; p < 5; p++) {
                    double mean = 0;
                    double squares = 0;
                    double inMean = 0;
                    for (int m = 0; m < 8; m++) {
                        mean += normalized.get(p, m) / 8;
                        squares += normalized.get(p, m) * (double) normalized.get(p, m) / 8;
                        inMean += x.get(p, m) / 8.0;
                    }
                    double var = 0;
                    for (int m = 0; m < 8; m++) {
                        var += (x.get(p, m) - inMean) * (x.get(p, m) - inMean) / 8;
                    }
                    assertEquals(0, mean, 1e-6, ln + " position " + p);
                    assertEquals(var / (var + 1e-5), squares, 1e-5, ln + " position " + p);
                    assertEquals(Math.sqrt(var + 1e-5), scale.get(p, 0), 1e-5 * Math.sqrt(var), ln + " position " + p);
                }
            }
        }
    }

    @Test
    @DisplayName("the cache holds ln1, ln2 and ln_final's hook points where TransformerLens passes them")
    void hookOrder() {
        List<String> names = new ArrayList<>(ln.runWithCache(TOKENS).names());
        assertEquals(List.of("hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre", "blocks.0.ln1.hook_scale",
                "blocks.0.ln1.hook_normalized", "blocks.0.attn.hook_q"), names.subList(0, 6));
        int mid = names.indexOf("blocks.0.hook_resid_mid");
        assertEquals(List.of("blocks.0.hook_resid_mid", "blocks.0.ln2.hook_scale", "blocks.0.ln2.hook_normalized",
                "blocks.0.mlp.hook_pre"), names.subList(mid, mid + 4));
        assertEquals(List.of("blocks.1.hook_resid_post", "ln_final.hook_scale", "ln_final.hook_normalized"),
                names.subList(names.size() - 3, names.size()));
        List<String> attnOnly = new ArrayList<>(lnAttnOnly.runWithCache(TOKENS).names());
        assertFalse(attnOnly.contains("blocks.0.ln2.hook_scale"));
        assertTrue(attnOnly.contains("blocks.1.ln1.hook_normalized"));
        assertEquals(List.of("hook_embed", "hook_pos_embed", "blocks.0.hook_resid_pre", "blocks.0.attn.hook_q"),
                new ArrayList<>(random(TransformerFixtures.small(true, null), 1, 0.3).runWithCache(TOKENS).names())
                        .subList(0, 4)); // without LayerNorm: no ln hook points
    }

    @Test
    @DisplayName("the LayerNorm hooks are live: the run continues with what hook_scale and hook_normalized return")
    void hooksReplaceable() {
        for (HookedTransformer model : List.of(ln, lnPre)) {
            Tensor plain = model.forward(TOKENS);
            for (String name : model.runWithCache(TOKENS).names()) {
                if (!name.contains("ln")) {
                    continue;
                }
                Tensor doubled = model.forward(TOKENS, Hook.at(name, v -> {
                    Tensor out = v.copy();
                    for (int i = 0; i < out.size(); i++) {
                        out.data()[i] *= 2;
                    }
                    return out;
                }));
                assertNotEquals(plain, doubled, model.cfg().normalization_type() + " " + name);
            }
        }
        // a scale of 1 everywhere in ln_final: the logits are the centred stream (* w + b) unembedded, by the reference
        ActivationCache run = new ActivationCache();
        Tensor patched = ln.forward(TOKENS, Hook.at("ln_final.hook_scale", v -> {
            Tensor ones = v.copy();
            java.util.Arrays.fill(ones.data(), 1f);
            return ones;
        }).andThen(run));
        Tensor resid = run.get("blocks.1.hook_resid_post");
        Tensor normalized = run.get("ln_final.hook_normalized");
        for (int p = 0; p < 5; p++) {
            double mean = 0;
            for (int m = 0; m < 8; m++) {
                mean += resid.get(p, m) / 8.0;
            }
            for (int m = 0; m < 8; m++) {
                assertEquals(resid.get(p, m) - mean, normalized.get(p, m), 1e-5);
            }
            for (int v = 0; v < 11; v++) {
                double logit = ln.b_U().get(v);
                for (int m = 0; m < 8; m++) {
                    logit += (normalized.get(p, m) * ln.tensor("ln_final.w").get(m) + ln.tensor("ln_final.b").get(m))
                            * (double) ln.W_U().get(m, v);
                }
                assertEquals(logit, patched.get(p, v), 1e-5);
            }
        }
        assertEquals("hook at blocks.0.ln1.hook_scale returned [1.0], expected shape [5, 1]",
                assertThrows(IllegalArgumentException.class, () -> ln.forward(TOKENS, Hook.at("blocks.0.ln1.hook_scale",
                        v -> Tensor.of(new float[] {1f}, 1)))).getMessage().replaceAll("returned .*, expected",
                        "returned [1.0], expected"));
    }

    @Test
    @DisplayName("with LayerNorm, split q/k/v inputs, resumeAtZ and the logit lens still give the forward pass's logits bit for bit")
    void otherPaths() {
        for (HookedTransformer model : List.of(ln, lnPre, lnAttnOnly)) {
            Tensor plain = model.forward(TOKENS);
            HookedTransformer split = model.withSplitQkvInput();
            ActivationCache splitCache = split.runWithCache(TOKENS);
            assertEquals(plain, split.forward(TOKENS));
            assertArrayEquals(new int[] {5, 2, 1}, splitCache.get("blocks.0.ln1.hook_scale").shape());
            assertArrayEquals(new int[] {5, 2, 8}, splitCache.get("blocks.1.ln1.hook_normalized").shape());
            ActivationCache clean = model.runWithCache(TOKENS);
            for (int layer = 0; layer < 2; layer++) {
                String at = "blocks." + layer + ".attn.hook_z";
                Tensor z = clean.get(at).copy();
                for (int i = 0; i < z.size(); i++) {
                    z.data()[i] = z.data()[i] * 0.5f - 0.1f * i;
                }
                assertEquals(model.forward(TOKENS, Hook.at(at, value -> z)), model.resumeAtZ(clean, layer, z, Hook.IDENTITY));
            }
            LogitLens lens = LogitLens.of(model, TOKENS, new int[] {1, 4, 1, 5, 9});
            assertEquals(plain, lens.logits(lens.stages() - 1));
        }
        // a hook on one head's q input changes only what follows through ln1: patching it with itself changes nothing
        HookedTransformer split = ln.withSplitQkvInput();
        assertEquals(ln.forward(TOKENS), split.forward(TOKENS, Hook.at("blocks.1.hook_k_input", Tensor::copy)));
        Tensor scaledInput = split.forward(TOKENS, Hook.at("blocks.1.hook_k_input", v -> {
            Tensor out = v.copy();
            for (int i = 0; i < out.size(); i++) {
                out.data()[i] *= 3; // LayerNorm undoes a scale of its input up to eps
            }
            return out;
        }));
        for (int i = 0; i < scaledInput.size(); i++) {
            assertEquals(ln.forward(TOKENS).data()[i], scaledInput.data()[i], 1e-3);
        }
    }

    @Test
    @DisplayName("analyses that assume no LayerNorm refuse a model with it, saying so")
    void analysesRefuse() {
        HookedTransformer lnAttn = lnAttnOnly;
        List<Executable> calls = List.of(
                () -> Circuits.fullOV(lnAttn, 0, 0),
                () -> Circuits.fullQK(lnAttn, 1, 1),
                () -> Circuits.directPath(lnAttn),
                () -> Composition.table(lnAttn, "k", 0, 0),
                () -> Composition.scores(lnAttn, "q"),
                () -> Composition.copyingScores(lnAttn),
                () -> LogitAttribution.decompose(lnAttn, TOKENS, new int[] {1, 1, 1, 1, 1}, new int[] {2, 2, 2, 2, 2}),
                () -> LogitAttribution.bigramGuess(lnAttn, 1, 2));
        for (Executable call : calls) {
            String message = assertThrows(IllegalArgumentException.class, call).getMessage();
            assertTrue(message.endsWith(" assumes no LayerNorm; this model has normalization_type \"LN\""), message);
        }
        // what stays defined: the weight products themselves, patching (hooks: the forward pass with LayerNorm), and
        // attribution patching (its backward pass goes through LayerNorm: MetricGradientTest)
        assertArrayEquals(new int[] {8, 8}, Circuits.OV(lnAttn, 0, 0).shape());
        ActivationPatching.Experiment e = ActivationPatching.run(lnAttn, new ActivationPatching.Prompts(
                new int[] {1, 2, 3, 1}, new int[] {1, 2, 4, 1}, 2, 4), "resid", "logit-diff");
        assertTrue(e.done());
        ActivationPatching.Experiment a = ActivationPatching.run(lnAttn, new ActivationPatching.Prompts(
                new int[] {1, 2, 3, 1}, new int[] {1, 2, 4, 1}, 2, 4), "resid", "logit-diff", "denoise", "attribution");
        for (int c = 0; c < a.cols(); c++) { // the last row (resid_post of the last layer) feeds ln_final: nearly linear
            assertTrue(Double.isFinite(a.estimate(a.rows() - 1, c)), "estimate at " + c);
        }
    }

    @Test
    @DisplayName("LN models write their weights and eps, and read back the same logits bit for bit")
    void weightsRoundTrip() {
        HookedTransformer model = randomLn(new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6, "gelu", false, "LN",
                "standard", 1e-6), 18);
        HookedTransformer back = HookedTransformer.fromWeights(
                org.circuitbook.widgets.weights.SafeTensors.fromBytes(model.toWeights().toBytes()));
        assertEquals(model.cfg(), back.cfg());
        assertEquals(1e-6, back.cfg().eps());
        assertEquals(model.forward(TOKENS), back.forward(TOKENS));
        assertEquals(lnPre.forward(TOKENS), HookedTransformer.fromWeights(
                org.circuitbook.widgets.weights.SafeTensors.fromBytes(lnPre.toWeights().toBytes())).forward(TOKENS));
        // eps changes the numbers (a little) as TransformerLens's does
        Random r = new Random(1);
        assertNotEquals(model.forward(TOKENS), new HookedTransformer(new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6,
                "gelu", false, "LN", "standard", 1e-1 + r.nextDouble()), model.tensors()).forward(TOKENS));
    }
}
