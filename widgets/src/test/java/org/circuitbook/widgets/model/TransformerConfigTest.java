package org.circuitbook.widgets.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    @DisplayName("LN and LNPre are read with their eps; RMSNorm is refused, and so is leaving normalization_type to the \"LN\" default")
    void normalization() {
        String base = "{\"n_layers\": 1, \"d_model\": 8, \"d_head\": 2, \"n_ctx\": 5, \"d_vocab\": 7, "
                + "\"act_fn\": \"relu\"";
        TransformerConfig ln = TransformerConfig.fromJson(base + ", \"normalization_type\": \"LN\"}");
        assertEquals("LN", ln.normalization_type());
        assertEquals(1e-5, ln.eps());
        assertTrue(ln.hasLayerNorm() && ln.hasLayerNormWeights());
        TransformerConfig pre = TransformerConfig.fromJson(base + ", \"normalization_type\": \"LNPre\", \"eps\": 1e-06}");
        assertEquals(new TransformerConfig(1, 8, 2, 4, 32, 7, 7, 5, "relu", false, "LNPre", "standard", 1e-6), pre);
        assertTrue(pre.hasLayerNorm() && !pre.hasLayerNormWeights());
        assertEquals("transformer config: normalization_type \"RMS\" is not supported (supported: null, \"none\", "
                + "\"LN\", \"LNPre\")", error(base + ", \"normalization_type\": \"RMS\"}"));
        assertEquals("transformer config: eps 0.0 is not supported (it must be a positive number)",
                error(base + ", \"normalization_type\": \"LN\", \"eps\": 0}"));
        assertEquals("transformer config: eps must be a number, got \"1e-5\"",
                error(base + ", \"normalization_type\": \"LN\", \"eps\": \"1e-5\"}"));
        assertEquals("transformer config: normalization_type is missing; TransformerLens would default it to "
                + "\"LN\" (write null for a model without LayerNorm)", error(base + "}"));
        TransformerConfig none = TransformerConfig.fromJson(base + ", \"normalization_type\": \"none\"}");
        assertEquals("none", none.normalization_type());
        assertFalse(none.hasLayerNorm());
    }

    @Test
    @DisplayName("eps is written when the model has LayerNorm or a non-default eps, and reads back equal; the book's JSON is unchanged")
    void epsRoundTrip() {
        TransformerConfig ln = new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6, "gelu", false, "LN", "standard");
        assertEquals("{\"n_layers\":2,\"d_model\":8,\"d_head\":4,\"n_heads\":2,\"d_mlp\":16,\"d_vocab\":11,"
                + "\"d_vocab_out\":11,\"n_ctx\":6,\"act_fn\":\"gelu\",\"attn_only\":false,"
                + "\"normalization_type\":\"LN\",\"positional_embedding_type\":\"standard\",\"eps\":1.0E-5}", ln.toJson());
        for (TransformerConfig cfg : new TransformerConfig[] {ln,
                new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6, "gelu", false, "LNPre", "standard", 1e-12),
                new TransformerConfig(1, 4, 2, 2, 0, 3, 3, 4, null, true, null, "standard", 0.25)}) {
            assertEquals(cfg, TransformerConfig.fromJson(cfg.toJson()));
            assertEquals(cfg, TransformerConfig.fromJsonOrTransformerLens(cfg.toJson()));
        }
        TransformerConfig book = new TransformerConfig(2, 8, 4, 2, 16, 11, 11, 6, "gelu", false, null, "standard");
        assertFalse(book.toJson().contains("eps"));
        assertEquals(TransformerConfig.DEFAULT_EPS, book.eps());
    }

    @Test
    @DisplayName("unknown keys, unsupported choices and wrong types are errors that say what is allowed")
    void errors() {
        String base = "\"n_layers\": 1, \"d_model\": 8, \"d_head\": 2, \"n_ctx\": 5, \"d_vocab\": 7, "
                + "\"normalization_type\": null";
        assertEquals("transformer config: unknown key \"use_attn_scale\" (known: n_layers, d_model, d_head, n_heads, "
                + "d_mlp, d_vocab, d_vocab_out, n_ctx, act_fn, attn_only, normalization_type, "
                + "positional_embedding_type, eps)", error("{" + base + ", \"act_fn\": \"relu\", \"use_attn_scale\": true}"));
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
