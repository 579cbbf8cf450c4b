package org.circuitbook.widgets.model;

import static org.circuitbook.widgets.model.TransformerFixtures.random;
import static org.circuitbook.widgets.model.TransformerFixtures.small;
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
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HookedTransformerTest {
    private static final int[] TOKENS = {3, 1, 4, 1, 5};  // 5 of n_ctx = 6 positions
    private final HookedTransformer withMlp = random(small(false, "gelu_new"), 1, 0.3);
    private final HookedTransformer attnOnly = random(small(true, null), 2, 0.3);

    /** The hook points of the small config, in run order, with their shapes for 5 tokens. */
    private static Map<String, List<Integer>> expectedHooks(boolean attnOnly) {
        Map<String, List<Integer>> hooks = new LinkedHashMap<>();
        hooks.put("hook_embed", List.of(5, 8));
        hooks.put("hook_pos_embed", List.of(5, 8));
        for (int l = 0; l < 2; l++) {
            String b = "blocks." + l + ".";
            hooks.put(b + "hook_resid_pre", List.of(5, 8));
            hooks.put(b + "attn.hook_q", List.of(5, 2, 4));
            hooks.put(b + "attn.hook_k", List.of(5, 2, 4));
            hooks.put(b + "attn.hook_v", List.of(5, 2, 4));
            hooks.put(b + "attn.hook_attn_scores", List.of(2, 5, 5));
            hooks.put(b + "attn.hook_pattern", List.of(2, 5, 5));
            hooks.put(b + "attn.hook_z", List.of(5, 2, 4));
            hooks.put(b + "hook_attn_out", List.of(5, 8));
            if (!attnOnly) {
                hooks.put(b + "hook_resid_mid", List.of(5, 8));
                hooks.put(b + "mlp.hook_pre", List.of(5, 16));
                hooks.put(b + "mlp.hook_post", List.of(5, 16));
                hooks.put(b + "hook_mlp_out", List.of(5, 8));
            }
            hooks.put(b + "hook_resid_post", List.of(5, 8));
        }
        return hooks;
    }

    private static Map<String, List<Integer>> actualHooks(ActivationCache cache) {
        Map<String, List<Integer>> hooks = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : cache.asMap().entrySet()) {
            List<Integer> shape = new ArrayList<>();
            for (int d : e.getValue().shape()) {
                shape.add(d);
            }
            hooks.put(e.getKey(), shape);
        }
        return hooks;
    }

    @Test
    @DisplayName("with MLPs, the cache holds every TransformerLens hook point in run order with its shape")
    void hookShapesWithMlp() {
        assertEquals(expectedHooks(false), actualHooks(withMlp.runWithCache(TOKENS)));
        assertArrayEquals(new int[] {5, 11}, withMlp.forward(TOKENS).shape());
    }

    @Test
    @DisplayName("attention-only, the cache has no resid_mid and no MLP hook points")
    void hookShapesAttnOnly() {
        assertEquals(expectedHooks(true), actualHooks(attnOnly.runWithCache(TOKENS)));
    }

    @Test
    @DisplayName("attention is causal: patterns are lower-triangular with rows summing to 1, masked scores are -infinity")
    void causalMask() {
        ActivationCache cache = withMlp.runWithCache(new int[] {0, 10, 2, 7, 7, 9});
        for (int l = 0; l < 2; l++) {
            Tensor scores = cache.get("blocks." + l + ".attn.hook_attn_scores");
            Tensor pattern = cache.get("blocks." + l + ".attn.hook_pattern");
            for (int h = 0; h < 2; h++) {
                for (int i = 0; i < 6; i++) {
                    double sum = 0;
                    for (int j = 0; j < 6; j++) {
                        float p = pattern.get(h, i, j);
                        if (j > i) {
                            assertEquals(0f, p, "layer " + l + " head " + h + " query " + i + " sees the future key " + j);
                            assertEquals(Float.NEGATIVE_INFINITY, scores.get(h, i, j));
                        } else {
                            assertTrue(p > 0f && Float.isFinite(scores.get(h, i, j)));
                        }
                        sum += p;
                    }
                    assertEquals(1.0, sum, 1e-6, "layer " + l + " head " + h + " row " + i);
                }
            }
        }
    }

    @Test
    @DisplayName("the logits equal an independent double-precision forward pass within 1e-5, for every activation")
    void matchesReference() {
        // weights of standard deviation 0.3 give logits up to about 8 and patterns up to about 0.94; float32
        // agrees with double to about 1e-6 there (at 0.5 the logits reach 170 and float32's ulp alone is 1.5e-5)
        List<HookedTransformer> models = List.of(withMlp, attnOnly,
                random(small(false, "relu"), 3, 0.3),
                random(small(false, "gelu"), 4, 0.3),
                random(new TransformerConfig(1, 6, 3, 3, 10, 11, 4, 7, "gelu", false, null, "standard"), 5, 0.3),
                // widths that are not multiples of 4 or 8: the attention's several-at-a-time loops and their rests
                random(new TransformerConfig(2, 10, 13, 2, 12, 11, 11, 7, null, true, null, "standard"), 6, 0.3));
        int[][] sequences = {{0}, TOKENS, {10, 10, 10, 10, 10, 10}, {2, 7, 1, 8, 2, 8}};
        for (HookedTransformer model : models) {
            ReferenceTransformer reference = new ReferenceTransformer(model);
            for (int[] tokens : sequences) {
                Tensor logits = model.forward(tokens);
                double[][] expected = reference.logits(tokens);
                assertArrayEquals(new int[] {tokens.length, model.cfg().d_vocab_out()}, logits.shape());
                for (int p = 0; p < tokens.length; p++) {
                    for (int v = 0; v < expected[p].length; v++) {
                        assertEquals(expected[p][v], logits.get(p, v), 1e-5,
                                model.cfg() + " position " + p + " token " + v);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("an identity hook, a copying hook and a cache all leave the logits bit-identical")
    void identityHookChangesNothing() {
        Tensor plain = withMlp.forward(TOKENS);
        assertEquals(plain, withMlp.forward(TOKENS, Hook.IDENTITY));
        assertEquals(plain, withMlp.forward(TOKENS, (name, value) -> value.copy()));
        assertEquals(plain, withMlp.forward(TOKENS, new ActivationCache()));
    }

    @Test
    @DisplayName("a uniform hook_pattern in layer 0 changes the logits after position 0, and the cache records it")
    void uniformPatternPatch() {
        Hook uniform = Hook.at("blocks.0.attn.hook_pattern", pattern -> {
            Tensor out = Tensor.zeros(pattern.shape()); // [n_heads, q_pos, k_pos]
            for (int h = 0; h < pattern.dim(0); h++) {
                for (int i = 0; i < pattern.dim(1); i++) {
                    for (int j = 0; j <= i; j++) {
                        TransformerFixtures.set(out, h, i, j, 1f / (i + 1));
                    }
                }
            }
            return out;
        });
        Tensor plain = withMlp.forward(TOKENS);
        Tensor patched = withMlp.forward(TOKENS, uniform);
        for (int v = 0; v < 11; v++) {
            // position 0 sees only itself: its pattern is already [1], uniform or not
            assertEquals(plain.get(0, v), patched.get(0, v));
        }
        for (int p = 1; p < TOKENS.length; p++) {
            assertNotEquals(plain.get(p, 0), patched.get(p, 0), "position " + p);
        }
        ActivationCache cache = withMlp.runWithCache(TOKENS, uniform);
        assertEquals(0.25f, cache.get("blocks.0.attn.hook_pattern").get(1, 3, 2));
        assertEquals(patched, withMlp.forward(TOKENS, uniform.andThen(new ActivationCache())));
    }

    @Test
    @DisplayName("a run resumed at a layer's hook_z from a cache equals the whole run patched there, bit for bit")
    void resumeAtZ() {
        for (HookedTransformer model : List.of(withMlp, attnOnly)) {
            ActivationCache clean = model.runWithCache(TOKENS);
            for (int layer = 0; layer < 2; layer++) {
                String at = "blocks." + layer + ".attn.hook_z";
                Tensor z = clean.get(at).copy();
                for (int i = 0; i < z.size(); i++) {
                    z.data()[i] = z.data()[i] * 0.5f - 0.1f * i; // anything of the same shape
                }
                ActivationCache whole = new ActivationCache();
                Tensor expected = model.forward(TOKENS, Hook.at(at, value -> z).andThen(whole));
                ActivationCache resumed = new ActivationCache();
                assertEquals(expected, model.resumeAtZ(clean, layer, z, resumed), model.cfg() + " layer " + layer);
                for (String name : resumed.names()) { // the hook sees what the whole run saw from hook_z on
                    assertEquals(whole.get(name), resumed.get(name), name);
                }
                assertEquals(at, resumed.names().iterator().next());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> attnOnly.resumeAtZ(attnOnly.runWithCache(TOKENS), 2,
                Tensor.zeros(5, 2, 4), Hook.IDENTITY));
    }

    @Test
    @DisplayName("every hook point is live: zeroing its value changes the last position's logits")
    void everyHookPointIsUsed() {
        for (HookedTransformer model : List.of(withMlp, attnOnly)) {
            Tensor plain = model.forward(TOKENS);
            for (String name : model.runWithCache(TOKENS).names()) {
                Tensor ablated = model.forward(TOKENS, Hook.at(name, value -> Tensor.zeros(value.shape())));
                boolean changed = false;
                for (int v = 0; v < 11; v++) {
                    changed |= plain.get(4, v) != ablated.get(4, v);
                }
                assertTrue(changed, "zeroing " + name + " changed nothing");
            }
        }
    }

    @Test
    @DisplayName("a hook that returns another shape fails, naming the hook point")
    void hookMustKeepShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withMlp.forward(TOKENS, Hook.at("blocks.1.attn.hook_z", z -> Tensor.zeros(5, 8))));
        assertEquals("hook at blocks.1.attn.hook_z returned Tensor[5, 8], expected shape [5, 2, 4]", e.getMessage());
    }

    @Test
    @DisplayName("tokens must be 1 to n_ctx ids inside the vocabulary")
    void tokensChecked() {
        assertEquals("a sequence needs 1 to n_ctx = 6 tokens, got 7", assertThrows(IllegalArgumentException.class,
                () -> withMlp.forward(new int[7])).getMessage());
        assertEquals("a sequence needs 1 to n_ctx = 6 tokens, got 0", assertThrows(IllegalArgumentException.class,
                () -> withMlp.forward(new int[0])).getMessage());
        assertEquals("token 11 at position 1 is outside the vocabulary [0, 11)",
                assertThrows(IllegalArgumentException.class, () -> withMlp.forward(new int[] {0, 11})).getMessage());
    }

    @Test
    @DisplayName("the cache names the hook points it has when asked for one it lacks")
    void cacheMiss() {
        ActivationCache cache = attnOnly.runWithCache(new int[] {1});
        assertFalse(cache.contains("blocks.0.mlp.hook_post"));
        String message = assertThrows(IllegalArgumentException.class, () -> cache.get("blocks.0.mlp.hook_post"))
                .getMessage();
        assertTrue(message.startsWith("no activation \"blocks.0.mlp.hook_post\" in the cache (has: hook_embed, "
                + "hook_pos_embed, blocks.0.hook_resid_pre, blocks.0.attn.hook_q,"), message);
    }
}
