package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {
    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> TransformerConfig.fromJson(json)).getMessage();
    }

    @Test
    @DisplayName("a config is written with TransformerLens's keys and reads back equal")
    void roundTrip() {
        TransformerConfig cfg = new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6, "gelu_new", false, null, "standard");
        assertEquals("{\"n_layers\":2,\"d_model\":8,\"d_head\":4,\"n_heads\":2,\"d_mlp\":16,\"d_vocab\":11,"
                + "\"d_vocab_out\":11,\"n_ctx\":6,\"act_fn\":\"gelu_new\",\"attn_only\":false,"
                + "\"normalization_type\":null,\"positional_embedding_type\":\"standard\"}", cfg.toJson());
        assertEquals(cfg, TransformerConfig.fromJson(cfg.toJson()));
        TransformerConfig attnOnly = new TransformerConfig(1, 4, 2, 2, 0, 3, 3, 4, null, true, null, "standard");
        assertEquals(attnOnly, TransformerConfig.fromJson(attnOnly.toJson()));
    }

    @Test
    @DisplayName("missing keys take TransformerLens's defaults: n_heads, d_mlp, d_vocab_out, attn_only, positions")
    void defaults() {
        TransformerConfig cfg = TransformerConfig.fromJson("{\"n_layers\": 1, \"d_model\": 8, \"d_head\": 2, "
                + "\"n_ctx\": 5, \"d_vocab\": 7, \"d_vocab_out\": -1, \"act_fn\": \"relu\", \"normalization_type\": null}");
        assertEquals(new TransformerConfig(1, 8, 2, 4, 32, 7, 7, 5, "relu", false, null, "standard"), cfg);
        TransformerConfig attnOnly = TransformerConfig.fromJson("{\"n_layers\": 2, \"d_model\": 8, \"d_head\": 4, "
                + "\"n_ctx\": 5, \"d_vocab\": 7, \"d_mlp\": null, \"attn_only\": true, \"normalization_type\": null}");
        assertEquals(0, attnOnly.d_mlp());
        assertEquals(null, attnOnly.act_fn());
    }

    @Test
    @DisplayName("LayerNorm is refused, and so is leaving normalization_type to TransformerLens's \"LN\" default")
    void normalization() {
        String base = "{\"n_layers\": 1, \"d_model\": 8, \"d_head\": 2, \"n_ctx\": 5, \"d_vocab\": 7, "
                + "\"act_fn\": \"relu\"";
        assertEquals("transformer config: normalization_type \"LN\" is not supported: "
                + "this forward pass has no LayerNorm (use null)", error(base + ", \"normalization_type\": \"LN\"}"));
        assertEquals("transformer config: normalization_type is missing; TransformerLens would default it to "
                + "\"LN\", which is not supported (write null)", error(base + "}"));
        TransformerConfig none = TransformerConfig.fromJson(base + ", \"normalization_type\": \"none\"}");
        assertEquals("none", none.normalization_type());
    }

    @Test
    @DisplayName("unknown keys, unsupported choices and wrong types are errors that say what is allowed")
    void errors() {
        String base = "\"n_layers\": 1, \"d_model\": 8, \"d_head\": 2, \"n_ctx\": 5, \"d_vocab\": 7, "
                + "\"normalization_type\": null";
        assertEquals("transformer config: unknown key \"use_attn_scale\" (known: n_layers, d_model, d_head, n_heads, "
                + "d_mlp, d_vocab, d_vocab_out, n_ctx, act_fn, attn_only, normalization_type, "
                + "positional_embedding_type)", error("{" + base + ", \"act_fn\": \"relu\", \"use_attn_scale\": true}"));
        assertEquals("transformer config: act_fn \"silu\" is not supported (supported: relu, gelu, gelu_new)",
                error("{" + base + ", \"act_fn\": \"silu\"}"));
        assertEquals("transformer config: act_fn null is not supported (supported: relu, gelu, gelu_new)",
                error("{" + base + "}"));
        assertEquals("transformer config: positional_embedding_type \"rotary\" is not supported (only \"standard\")",
                error("{" + base + ", \"act_fn\": \"relu\", \"positional_embedding_type\": \"rotary\"}"));
        assertEquals("transformer config: d_model must be an integer, got \"8\"",
                error("{\"n_layers\": 1, \"d_model\": \"8\", \"normalization_type\": null}"));
        assertEquals("transformer config: missing n_ctx",
                error("{\"n_layers\": 1, \"d_model\": 8, \"d_head\": 2, \"d_vocab\": 7, \"normalization_type\": null}"));
        assertEquals("transformer config: d_head must be at least 1, got 0",
                error("{" + base.replace("\"d_head\": 2", "\"d_head\": 0") + ", \"act_fn\": \"relu\"}"));
    }
}
