package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link TransformerConfig#fromTransformerLens}: the dictionary TransformerLens's HookedTransformerConfig.to_dict() gives. */
class TransformerLensConfigTest {
    /**
     * {@code json.dumps(HookedTransformerConfig(n_layers=2, d_model=64, d_head=16, n_ctx=32, d_vocab=50, act_fn="gelu",
     * normalization_type="LN", seed=0, device="cpu").to_dict(), default=str)} as TransformerLens 3.x writes it: every
     * field in declaration order (the base TransformerLensConfig's first), after __post_init__ filled in n_heads,
     * d_mlp, d_vocab_out, attn_scale = sqrt(d_head), initializer_range = 0.8 / sqrt(d_model) and n_params.
     */
    static final String TL_2L_GELU_LN = """
            {"d_model": 64, "d_head": 16, "n_layers": 2, "n_ctx": 32, "n_heads": 4, "d_mlp": 256, "d_vocab": 50,
            "device": "cpu", "use_attn_result": false, "use_split_qkv_input": false, "default_prepend_bos": true,
            "positional_embedding_type": "standard", "n_key_value_heads": null, "attn_only": false, "gated_mlp": false,
            "uses_rms_norm": false, "eps": 1e-05, "layer_norm_folding": false, "act_fn": "gelu",
            "normalization_type": "LN", "num_experts": null, "experts_per_token": null, "final_rms": false,
            "dtype": "torch.float32", "model_name": "custom", "use_attn_scale": true, "attn_scale": 4.0,
            "use_hook_mlp_in": false, "use_attn_in": false, "use_qk_norm": false, "use_local_attn": false,
            "ungroup_grouped_query_attention": false, "original_architecture": null, "from_checkpoint": false,
            "checkpoint_index": null, "checkpoint_label_type": null, "checkpoint_value": null, "tokenizer_name": null,
            "window_size": null, "attn_types": null, "init_mode": "gpt2", "n_devices": 1, "attention_dir": "causal",
            "seed": 0, "initializer_range": 0.1, "init_weights": true, "scale_attn_by_inverse_layer_idx": false,
            "d_vocab_out": 50, "parallel_attn_mlp": false, "rotary_dim": null, "n_params": 98304,
            "use_hook_tokens": false, "tokenizer_prepends_bos": null, "post_embedding_ln": false, "rotary_base": 10000,
            "rotary_base_local": null, "rotary_scaling_factor": 1.0, "trust_remote_code": false,
            "rotary_adjacent_pairs": false, "load_in_4bit": false, "relative_attention_max_distance": null,
            "relative_attention_num_buckets": null, "decoder_start_token_id": null, "tie_word_embeddings": false,
            "use_normalization_before_and_after": false, "attn_scores_soft_cap": -1.0, "output_logits_soft_cap": -1.0,
            "use_NTK_by_parts_rope": false, "NTK_by_parts_low_freq_factor": 1.0, "NTK_by_parts_high_freq_factor": 4.0,
            "NTK_by_parts_factor": 8.0, "NTK_original_ctx_len": 8192, "use_yarn_rope": false, "yarn_factor": 1.0,
            "yarn_attention_factor": 1.0, "yarn_beta_fast": 32.0, "yarn_beta_slow": 1.0,
            "yarn_original_max_position_embeddings": 4096, "norm_topk_prob": false}
            """;

    /** {@link #TL_2L_GELU_LN} with {@code key}'s value replaced by the JSON {@code value} (or the key added). */
    static String with(String key, String value) {
        String json = TL_2L_GELU_LN.strip();
        String pattern = "\"" + key + "\": ";
        int at = json.indexOf(pattern);
        if (at < 0) {
            return json.substring(0, json.length() - 1) + ", " + pattern + value + "}";
        }
        int start = at + pattern.length();
        int end = start;
        int depth = 0;
        while (depth > 0 || (json.charAt(end) != ',' && json.charAt(end) != '}')) {
            depth += json.charAt(end) == '[' ? 1 : json.charAt(end) == ']' ? -1 : 0;
            end++;
        }
        return json.substring(0, start) + value + json.substring(end);
    }

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> TransformerConfig.fromTransformerLens(json)).getMessage();
    }

    @Test
    @DisplayName("TransformerLens's whole to_dict() of a 2-layer gelu LN model reads as that model's config")
    void fullDictionary() {
        TransformerConfig cfg = TransformerConfig.fromTransformerLens(TL_2L_GELU_LN);
        assertEquals(new TransformerConfig(2, 64, 16, 4, 256, 50, 50, 32, "gelu", false, "LN", "standard", 1e-5), cfg);
        assertEquals(cfg, TransformerConfig.fromJsonOrTransformerLens(TL_2L_GELU_LN));
        assertEquals(cfg, TransformerConfig.fromJson(cfg.toJson())); // and the book's format keeps it
    }

    @Test
    @DisplayName("keys that change nothing in the forward pass are accepted at any value")
    void ignored() {
        TransformerConfig expected = TransformerConfig.fromTransformerLens(TL_2L_GELU_LN);
        Map<String, String> values = new LinkedHashMap<>();
        values.put("device", "\"cuda:0\"");
        values.put("seed", "1234");
        values.put("n_devices", "2");
        values.put("model_name", "\"gelu-2l\"");
        values.put("tokenizer_name", "\"NeelNanda/gpt-neox-tokenizer-digits\"");
        values.put("original_architecture", "\"neel\"");
        values.put("from_checkpoint", "true");
        values.put("checkpoint_index", "12");
        values.put("checkpoint_label_type", "\"step\"");
        values.put("checkpoint_value", "1000");
        values.put("use_attn_result", "true");
        values.put("use_split_qkv_input", "true");
        values.put("use_hook_mlp_in", "true");
        values.put("use_attn_in", "true");
        values.put("use_hook_tokens", "true");
        values.put("default_prepend_bos", "false");
        values.put("init_mode", "\"kaiming_normal\"");
        values.put("initializer_range", "0.02");
        values.put("rotary_dim", "16");
        values.put("window_size", "8");
        values.put("attn_types", "[\"global\", \"local\"]");
        values.put("dtype", "\"torch.float64\"");
        values.put("tie_word_embeddings", "true");
        for (Map.Entry<String, String> e : values.entrySet()) {
            assertEquals(expected, TransformerConfig.fromTransformerLens(with(e.getKey(), e.getValue())), e.getKey());
        }
        assertEquals(expected, TransformerConfig.fromTransformerLens(with("attn_scale", "4.0000000001")));
        assertEquals(expected, TransformerConfig.fromTransformerLens(with("attn_scale", "-1.0")));
        assertEquals(expected, TransformerConfig.fromTransformerLens(with("d_vocab_out", "-1")));
        assertEquals(expected, TransformerConfig.fromTransformerLens(with("output_logits_soft_cap", "null")));
        TransformerConfig attnOnly = TransformerConfig.fromTransformerLens(with("attn_only", "true")
                .replace("\"act_fn\": \"gelu\"", "\"act_fn\": \"solu_ln\""));
        assertEquals(null, attnOnly.act_fn()); // an attention-only model never uses its act_fn
        assertEquals("LNPre", TransformerConfig.fromTransformerLens(with("normalization_type", "\"LNPre\""))
                .normalization_type());
        assertEquals(null, TransformerConfig.fromTransformerLens(with("normalization_type", "null")).normalization_type());
        assertEquals(1e-6, TransformerConfig.fromTransformerLens(with("eps", "1e-06")).eps());
    }

    @Test
    @DisplayName("keys that change the computation are accepted only at the values this forward pass implements")
    void unsupported() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("use_attn_scale", "false");
        cases.put("attn_scale", "8.0");
        cases.put("attention_dir", "\"bidirectional\"");
        cases.put("gated_mlp", "true");
        cases.put("parallel_attn_mlp", "true");
        cases.put("use_local_attn", "true");
        cases.put("final_rms", "true");
        cases.put("n_key_value_heads", "2");
        cases.put("use_qk_norm", "true");
        cases.put("scale_attn_by_inverse_layer_idx", "true");
        cases.put("post_embedding_ln", "true");
        cases.put("use_normalization_before_and_after", "true");
        cases.put("attn_scores_soft_cap", "50.0");
        cases.put("output_logits_soft_cap", "30.0");
        cases.put("num_experts", "8");
        cases.put("experts_per_token", "2");
        cases.put("uses_rms_norm", "true");
        cases.put("load_in_4bit", "true");
        cases.put("dtype", "\"torch.int8\"");
        cases.put("original_architecture", "\"Olmo2ForCausalLM\"");
        cases.put("d_vocab", "-1");
        for (Map.Entry<String, String> e : cases.entrySet()) {
            String message = error(with(e.getKey(), e.getValue()));
            assertTrue(message.startsWith("transformer config: " + e.getKey() + " " + e.getValue() + " is not supported ("),
                    message);
        }
        assertEquals("transformer config: attn_scale 8.0 is not supported (only sqrt(d_head) = 4.0, or -1)",
                error(with("attn_scale", "8.0")));
        assertEquals("transformer config: normalization_type \"RMS\" is not supported (supported: null, \"none\", "
                + "\"LN\", \"LNPre\")", error(with("normalization_type", "\"RMS\"")));
        assertEquals("transformer config: positional_embedding_type \"rotary\" is not supported (only \"standard\")",
                error(with("positional_embedding_type", "\"rotary\"")));
        assertEquals("transformer config: act_fn \"silu\" is not supported (supported: relu, gelu, gelu_new)",
                error(with("act_fn", "\"silu\"")));
        assertEquals("transformer config: use_attn_scale must be true or false, got \"yes\"",
                error(with("use_attn_scale", "\"yes\"")));
    }

    @Test
    @DisplayName("an unknown key is an error naming it; missing keys take TransformerLens's defaults (normalization \"LN\")")
    void unknownAndDefaults() {
        assertEquals("transformer config: unknown key \"use_flash_attn\" (not a HookedTransformerConfig field this "
                + "reader knows)", error(with("use_flash_attn", "true")));
        TransformerConfig minimal = TransformerConfig.fromTransformerLens(
                "{\"n_layers\": 1, \"d_model\": 12, \"d_head\": 4, \"n_ctx\": 9, \"d_vocab\": 5}");
        assertEquals(new TransformerConfig(1, 12, 4, 3, 48, 5, 5, 9, "relu", false, "LN", "standard", 1e-5), minimal);
        assertEquals("transformer config: missing d_vocab",
                error("{\"n_layers\": 1, \"d_model\": 12, \"d_head\": 4, \"n_ctx\": 9}"));
    }
}
