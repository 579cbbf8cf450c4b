package org.circuitbook.widgets.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.Json;

/**
 * The shape of a {@link HookedTransformer}: the fields of TransformerLens's {@code HookedTransformerConfig}
 * that a GPT-style transformer without LayerNorm needs, under the same names, so a config written here is
 * one a Python user can pass to {@code HookedTransformerConfig.from_dict} and back.
 *
 * <p>What is supported, and what is not (the constructor rejects the rest with a message):
 * <ul>
 *   <li>{@code act_fn}: {@code "relu"}, {@code "gelu"} (exact, erf-based, as {@code F.gelu}) or
 *       {@code "gelu_new"} (GPT-2's tanh approximation); may be null when {@code attn_only};
 *   <li>{@code normalization_type}: only null (or {@code "none"}): no LayerNorm anywhere;
 *   <li>{@code positional_embedding_type}: only {@code "standard"} (learned, added to the residual stream).
 * </ul>
 *
 * @param n_layers                  transformer blocks (0 is a zero-layer model: embed then unembed)
 * @param d_model                   width of the residual stream
 * @param d_head                    width of each head's queries, keys, values and z
 * @param n_heads                   attention heads per layer
 * @param d_mlp                     MLP hidden width; ignored (may be 0) when {@code attn_only}
 * @param d_vocab                   input vocabulary size (rows of W_E)
 * @param d_vocab_out               output vocabulary size (columns of W_U)
 * @param n_ctx                     longest sequence (rows of W_pos)
 * @param act_fn                    the MLP activation
 * @param attn_only                 no MLPs: each block is attention alone
 * @param normalization_type        null: no LayerNorm
 * @param positional_embedding_type {@code "standard"}
 */
public record TransformerConfig(int n_layers, int d_model, int d_head, int n_heads, int d_mlp, int d_vocab,
        int d_vocab_out, int n_ctx, String act_fn, boolean attn_only, String normalization_type,
        String positional_embedding_type) {

    /** The activations this forward pass implements, under their TransformerLens names. */
    public static final List<String> ACTIVATIONS = List.of("relu", "gelu", "gelu_new");
    /** The JSON keys, in the order {@link #toJson()} writes them. */
    public static final List<String> KEYS = List.of("n_layers", "d_model", "d_head", "n_heads", "d_mlp",
            "d_vocab", "d_vocab_out", "n_ctx", "act_fn", "attn_only", "normalization_type",
            "positional_embedding_type");

    public TransformerConfig {
        atLeast("n_layers", n_layers, 0);
        atLeast("d_model", d_model, 1);
        atLeast("d_head", d_head, 1);
        atLeast("n_heads", n_heads, 1);
        atLeast("d_mlp", d_mlp, attn_only ? 0 : 1);
        atLeast("d_vocab", d_vocab, 1);
        atLeast("d_vocab_out", d_vocab_out, 1);
        atLeast("n_ctx", n_ctx, 1);
        if (act_fn == null ? !attn_only : !ACTIVATIONS.contains(act_fn)) {
            throw new IllegalArgumentException("transformer config: act_fn " + quoted(act_fn)
                    + " is not supported (supported: " + String.join(", ", ACTIVATIONS)
                    + (attn_only ? ", or null in an attn_only model)" : ")"));
        }
        if (normalization_type != null && !normalization_type.equals("none")) {
            throw new IllegalArgumentException("transformer config: normalization_type " + quoted(normalization_type)
                    + " is not supported: this forward pass has no LayerNorm (use null)");
        }
        if (!"standard".equals(positional_embedding_type)) {
            throw new IllegalArgumentException("transformer config: positional_embedding_type "
                    + quoted(positional_embedding_type) + " is not supported (only \"standard\")");
        }
    }

    /**
     * Reads a config written as JSON with TransformerLens's keys. Missing keys take TransformerLens's
     * defaults: {@code n_heads = d_model / d_head}, {@code d_vocab_out = d_vocab} (also when -1),
     * {@code d_mlp = 4 d_model} unless {@code attn_only}, {@code attn_only = false},
     * {@code positional_embedding_type = "standard"}. {@code normalization_type} has no silent default:
     * TransformerLens's is {@code "LN"}, which this forward pass lacks, so the key must be present (null).
     * Unknown keys are errors: they could change the computation in a way this class would ignore.
     */
    public static TransformerConfig fromJson(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("transformer config: expected a JSON object, got " + json);
        }
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("transformer config: unknown key " + quoted((String) key)
                        + " (known: " + String.join(", ", KEYS) + ")");
            }
        }
        if (!map.containsKey("normalization_type")) {
            throw new IllegalArgumentException("transformer config: normalization_type is missing; "
                    + "TransformerLens would default it to \"LN\", which is not supported (write null)");
        }
        int dModel = integer(map, "d_model", null);
        int dHead = integer(map, "d_head", null);
        boolean attnOnly = bool(map, "attn_only", false);
        int dVocab = integer(map, "d_vocab", null);
        int dVocabOut = integer(map, "d_vocab_out", dVocab);
        return new TransformerConfig(
                integer(map, "n_layers", null),
                dModel,
                dHead,
                integer(map, "n_heads", dHead > 0 ? dModel / dHead : 0),
                integer(map, "d_mlp", attnOnly ? 0 : 4 * dModel),
                dVocab,
                dVocabOut == -1 ? dVocab : dVocabOut,
                integer(map, "n_ctx", null),
                string(map, "act_fn", null),
                attnOnly,
                string(map, "normalization_type", null),
                string(map, "positional_embedding_type", "standard"));
    }

    /** This config as compact JSON, every key written (nulls included), in {@link #KEYS} order. */
    public String toJson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("n_layers", n_layers);
        map.put("d_model", d_model);
        map.put("d_head", d_head);
        map.put("n_heads", n_heads);
        map.put("d_mlp", d_mlp);
        map.put("d_vocab", d_vocab);
        map.put("d_vocab_out", d_vocab_out);
        map.put("n_ctx", n_ctx);
        map.put("act_fn", act_fn);
        map.put("attn_only", attn_only);
        map.put("normalization_type", normalization_type);
        map.put("positional_embedding_type", positional_embedding_type);
        return Json.write(map);
    }

    private static void atLeast(String key, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException("transformer config: " + key + " must be at least " + min
                    + ", got " + value);
        }
    }

    /** The integer at {@code key}; {@code fallback} when absent or null (a null fallback: required). */
    private static int integer(Map<?, ?> map, String key, Integer fallback) {
        Object value = map.get(key);
        if (value == null) {
            if (fallback == null) {
                throw new IllegalArgumentException("transformer config: missing " + key);
            }
            return fallback;
        }
        if (!(value instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("transformer config: " + key + " must be an integer, got "
                    + Json.write(value));
        }
        return (int) (long) l;
    }

    private static boolean bool(Map<?, ?> map, String key, boolean fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Boolean b)) {
            throw new IllegalArgumentException("transformer config: " + key + " must be true or false, got "
                    + Json.write(value));
        }
        return b;
    }

    private static String string(Map<?, ?> map, String key, String fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("transformer config: " + key + " must be a string or null, got "
                    + Json.write(value));
        }
        return s;
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }
}
