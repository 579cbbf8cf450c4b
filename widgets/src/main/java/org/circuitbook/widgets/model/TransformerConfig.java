package org.circuitbook.widgets.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.weights.Json;

/**
 * The shape of a {@link HookedTransformer}: the fields of TransformerLens's {@code HookedTransformerConfig}
 * that a GPT-style transformer needs, under the same names, so a config written here is one a Python user can pass
 * to {@code HookedTransformerConfig.from_dict} and back. {@link #fromTransformerLens} reads the whole dictionary
 * TransformerLens's {@code to_dict()} writes.
 *
 * <p>What is supported, and what is not (the constructor rejects the rest with a message):
 * <ul>
 *   <li>{@code act_fn}: {@code "relu"}, {@code "gelu"} (exact, erf-based, as {@code F.gelu}) or
 *       {@code "gelu_new"} (GPT-2's tanh approximation); may be null when {@code attn_only};
 *   <li>{@code normalization_type}: null (or {@code "none"}): no LayerNorm anywhere, the book's own models;
 *       {@code "LN"}: TransformerLens's {@code LayerNorm} before each attention layer ({@code ln1}), each MLP
 *       ({@code ln2}) and the unembedding ({@code ln_final}), with weights {@code w} and biases {@code b}; or
 *       {@code "LNPre"}: the same centring and normalising without weights (a model whose LayerNorm weights were
 *       folded into the next layer, TransformerLens's {@code fold_ln});
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
 * @param normalization_type        null: no LayerNorm; {@code "LN"} or {@code "LNPre"}
 * @param positional_embedding_type {@code "standard"}
 * @param eps                       the LayerNorm's epsilon, added to the variance (TransformerLens's default
 *                                  {@value #DEFAULT_EPS}); unused without LayerNorm
 */
public record TransformerConfig(int n_layers, int d_model, int d_head, int n_heads, int d_mlp, int d_vocab,
        int d_vocab_out, int n_ctx, String act_fn, boolean attn_only, String normalization_type,
        String positional_embedding_type, double eps) {

    /** TransformerLens's default {@code eps}. */
    public static final double DEFAULT_EPS = 1e-5;
    /** The normalizations this forward pass implements besides none (null or {@code "none"}). */
    public static final List<String> NORMALIZATIONS = List.of("LN", "LNPre");
    /** The activations this forward pass implements, under their TransformerLens names. */
    public static final List<String> ACTIVATIONS = List.of("relu", "gelu", "gelu_new");
    /** The JSON keys, in the order {@link #toJson()} writes them. */
    public static final List<String> KEYS = List.of("n_layers", "d_model", "d_head", "n_heads", "d_mlp",
            "d_vocab", "d_vocab_out", "n_ctx", "act_fn", "attn_only", "normalization_type",
            "positional_embedding_type", "eps");

    /** A config with TransformerLens's default {@code eps} ({@value #DEFAULT_EPS}): the book's models have no LayerNorm. */
    public TransformerConfig(int n_layers, int d_model, int d_head, int n_heads, int d_mlp, int d_vocab,
            int d_vocab_out, int n_ctx, String act_fn, boolean attn_only, String normalization_type,
            String positional_embedding_type) {
        this(n_layers, d_model, d_head, n_heads, d_mlp, d_vocab, d_vocab_out, n_ctx, act_fn, attn_only,
                normalization_type, positional_embedding_type, DEFAULT_EPS);
    }

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
        if (normalization_type != null && !normalization_type.equals("none")
                && !NORMALIZATIONS.contains(normalization_type)) {
            throw new IllegalArgumentException("transformer config: normalization_type " + quoted(normalization_type)
                    + " is not supported (supported: null, \"none\", \"LN\", \"LNPre\")");
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("transformer config: eps " + eps + " is not supported (it must be a "
                    + "positive number)");
        }
        if (!"standard".equals(positional_embedding_type)) {
            throw new IllegalArgumentException("transformer config: positional_embedding_type "
                    + quoted(positional_embedding_type) + " is not supported (only \"standard\")");
        }
    }

    /** Whether the model has LayerNorm ({@code "LN"} or {@code "LNPre"}): hook points and analyses differ. */
    public boolean hasLayerNorm() {
        return normalization_type != null && NORMALIZATIONS.contains(normalization_type);
    }

    /** Whether the LayerNorms have weights and biases ({@code "LN"}), parameters of the model. */
    public boolean hasLayerNormWeights() {
        return "LN".equals(normalization_type);
    }

    /**
     * Reads a config written as JSON with TransformerLens's keys, as {@link #toJson()} writes it. Missing keys take
     * TransformerLens's defaults: {@code n_heads = d_model / d_head}, {@code d_vocab_out = d_vocab} (also when -1),
     * {@code d_mlp = 4 d_model} unless {@code attn_only}, {@code attn_only = false},
     * {@code positional_embedding_type = "standard"}, {@code eps = 1e-5}. {@code normalization_type} has no silent
     * default: TransformerLens's is {@code "LN"}, which the book's models lack, so the key must be present.
     * Unknown keys are errors: they could change the computation in a way this class would ignore
     * ({@link #fromTransformerLens} reads TransformerLens's whole dictionary).
     */
    public static TransformerConfig fromJson(String json) {
        Map<?, ?> map = object(json);
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("transformer config: unknown key " + quoted((String) key)
                        + " (known: " + String.join(", ", KEYS) + ")");
            }
        }
        if (!map.containsKey("normalization_type")) {
            throw new IllegalArgumentException("transformer config: normalization_type is missing; "
                    + "TransformerLens would default it to \"LN\" (write null for a model without LayerNorm)");
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
                string(map, "positional_embedding_type", "standard"),
                number(map, "eps", DEFAULT_EPS));
    }

    /**
     * Whether {@code json} is a config {@link #fromJson} reads (only {@link #KEYS}); otherwise it is read as
     * TransformerLens's whole dictionary ({@link #fromTransformerLens}). What {@link HookedTransformer#fromWeights}
     * does with a weights file's config.
     */
    public static TransformerConfig fromJsonOrTransformerLens(String json) {
        for (Object key : object(json).keySet()) {
            if (!KEYS.contains(key)) {
                return fromTransformerLens(json);
            }
        }
        return fromJson(json);
    }

    /**
     * The {@code HookedTransformerConfig} keys that do not change the forward pass of one sequence: devices, seeds,
     * names, tokenizer settings, initialisation, which extra hook points TransformerLens passes
     * ({@code use_attn_result}, {@code use_split_qkv_input}, ...; they change no value), and the settings of
     * features that are off (rotary embeddings when {@code positional_embedding_type} is not {@code "rotary"}, local
     * attention's window when {@code use_local_attn} is false, grouped-query settings without
     * {@code n_key_value_heads}, relative attention buckets without {@code "relative_positional_bias"}, ...).
     */
    public static final List<String> TRANSFORMER_LENS_IGNORED = List.of("model_name", "device", "n_devices", "seed",
            "tokenizer_name", "n_params", "original_architecture", "from_checkpoint", "checkpoint_index",
            "checkpoint_label_type", "checkpoint_value", "init_mode", "initializer_range", "init_weights",
            "default_prepend_bos", "tokenizer_prepends_bos", "use_attn_result", "use_split_qkv_input",
            "use_hook_mlp_in", "use_attn_in", "use_hook_tokens", "trust_remote_code", "decoder_start_token_id",
            "tie_word_embeddings", "layer_norm_folding", "ungroup_grouped_query_attention", "window_size",
            "attn_types", "rotary_dim", "rotary_base", "rotary_base_local", "rotary_scaling_factor",
            "rotary_adjacent_pairs", "use_NTK_by_parts_rope", "NTK_by_parts_low_freq_factor",
            "NTK_by_parts_high_freq_factor", "NTK_by_parts_factor", "NTK_original_ctx_len", "use_yarn_rope",
            "yarn_factor", "yarn_attention_factor", "yarn_beta_fast", "yarn_beta_slow",
            "yarn_original_max_position_embeddings", "relative_attention_max_distance",
            "relative_attention_num_buckets", "norm_topk_prob", "dtype");

    /**
     * The {@code HookedTransformerConfig} keys that change the computation, accepted only at the value this forward
     * pass implements (besides {@link #KEYS}): {@code use_attn_scale} true with {@code attn_scale} sqrt(d_head) (or
     * -1, TransformerLens's "default"), {@code attention_dir} "causal", no gated MLP, no parallel attention and MLP,
     * no local attention, no final RMSNorm, no grouped-query attention, no QK norm, no layer-index score scaling, no
     * LayerNorm after the embedding or after each sublayer, no soft caps (-1 or null), no mixture of experts, no
     * RMSNorm, no 4-bit weights.
     */
    public static final List<String> TRANSFORMER_LENS_CHECKED = List.of("use_attn_scale", "attn_scale",
            "attention_dir", "gated_mlp", "parallel_attn_mlp", "use_local_attn", "final_rms", "n_key_value_heads",
            "use_qk_norm", "scale_attn_by_inverse_layer_idx", "post_embedding_ln",
            "use_normalization_before_and_after", "attn_scores_soft_cap", "output_logits_soft_cap", "num_experts",
            "experts_per_token", "uses_rms_norm", "load_in_4bit");

    /** TransformerLens's floating dtypes; the forward pass here computes in float32 whichever the model names. */
    private static final List<String> FLOAT_DTYPES = List.of("torch.float32", "float32", "torch.float64", "float64",
            "torch.float16", "float16", "torch.bfloat16", "bfloat16");
    /** TransformerLens architectures whose blocks differ from GPT-2's whatever the other keys say (QK norms, ...). */
    private static final List<String> OTHER_BLOCKS = List.of("OlmoeForCausalLM", "Olmo2ForCausalLM",
            "Olmo3ForCausalLM");

    /**
     * Reads the dictionary TransformerLens's {@code HookedTransformerConfig.to_dict()} gives, written as JSON
     * (for instance {@code json.dumps(cfg.to_dict(), default=str)}, which writes {@code dtype} as
     * {@code "torch.float32"}): every key of TransformerLens 2.x and 3.x. {@link #KEYS} and
     * {@link #TRANSFORMER_LENS_CHECKED} are read and checked, {@link #TRANSFORMER_LENS_IGNORED} accepted and
     * ignored; any other key is an error naming it. A key that changes the computation is accepted only at a value
     * this forward pass implements, otherwise {@code IllegalArgumentException("transformer config: KEY VALUE is not
     * supported (...)")}. Missing keys take TransformerLens's defaults ({@code normalization_type "LN"},
     * {@code n_heads = d_model / d_head}, {@code d_mlp = 4 d_model}, {@code d_vocab_out = d_vocab} also when -1,
     * {@code eps = 1e-5}); {@code d_vocab} must be given (TransformerLens can take it from a tokenizer, this
     * class cannot).
     */
    public static TransformerConfig fromTransformerLens(String json) {
        Map<?, ?> map = object(json);
        for (Object key : map.keySet()) {
            if (!KEYS.contains(key) && !TRANSFORMER_LENS_IGNORED.contains(key)
                    && !TRANSFORMER_LENS_CHECKED.contains(key)) {
                throw new IllegalArgumentException("transformer config: unknown key " + quoted((String) key)
                        + " (not a HookedTransformerConfig field this reader knows)");
            }
        }
        int dModel = integer(map, "d_model", null);
        int dHead = integer(map, "d_head", null);
        boolean attnOnly = bool(map, "attn_only", false);
        int dVocab = integer(map, "d_vocab", null);
        if (dVocab == -1) {
            throw unsupported("d_vocab", -1L, "the vocabulary size must be given; TransformerLens takes it from a "
                    + "tokenizer");
        }
        int dVocabOut = integer(map, "d_vocab_out", -1);
        int nHeads = integer(map, "n_heads", -1);
        String actFn = string(map, "act_fn", "relu");
        if (attnOnly && actFn != null && !ACTIVATIONS.contains(actFn)) {
            actFn = null; // an attention-only model has no MLP: TransformerLens keeps the key but never uses it
        }
        String dtype = string(map, "dtype", "torch.float32");
        if (!FLOAT_DTYPES.contains(dtype)) {
            throw unsupported("dtype", dtype, "supported: " + String.join(", ", FLOAT_DTYPES));
        }
        String architecture = string(map, "original_architecture", null);
        if (architecture != null && OTHER_BLOCKS.contains(architecture)) {
            throw unsupported("original_architecture", architecture, "TransformerLens gives its blocks QK norms and "
                    + "moves their LayerNorms");
        }
        require(map, "use_attn_scale", true, "attention scores are divided by sqrt(d_head)");
        Object attnScale = map.get("attn_scale");
        if (attnScale != null) {
            double scale = number(map, "attn_scale", -1.0);
            double want = Math.sqrt(dHead);
            if (scale != -1.0 && Math.abs(scale - want) > 1e-6 * want) {
                throw unsupported("attn_scale", attnScale, "only sqrt(d_head) = " + want + ", or -1");
            }
        }
        if (map.get("attention_dir") != null && !"causal".equals(string(map, "attention_dir", "causal"))) {
            throw unsupported("attention_dir", map.get("attention_dir"), "only \"causal\"");
        }
        require(map, "gated_mlp", false, "the MLP is W_in, act_fn, W_out");
        require(map, "parallel_attn_mlp", false, "the MLP reads the residual stream after attention");
        require(map, "use_local_attn", false, "every head attends to every earlier position");
        require(map, "final_rms", false, "ln_final is a LayerNorm as normalization_type says");
        require(map, "use_qk_norm", false, "queries and keys are not normalised");
        require(map, "scale_attn_by_inverse_layer_idx", false, "scores are not scaled by layer");
        require(map, "post_embedding_ln", false, "no LayerNorm after the embedding");
        require(map, "use_normalization_before_and_after", false, "no LayerNorm after each sublayer");
        require(map, "uses_rms_norm", false, "no RMSNorm");
        require(map, "load_in_4bit", false, "weights are float tensors");
        for (String key : List.of("n_key_value_heads", "num_experts", "experts_per_token")) {
            if (map.get(key) != null) {
                throw unsupported(key, map.get(key), "only null: " + (key.equals("n_key_value_heads")
                        ? "every head has its own keys and values" : "the MLP is one dense layer"));
            }
        }
        for (String key : List.of("attn_scores_soft_cap", "output_logits_soft_cap")) {
            if (map.get(key) != null && number(map, key, -1.0) > 0) {
                throw unsupported(key, map.get(key), "only -1 (or any value up to 0, or null): no soft cap");
            }
        }
        return new TransformerConfig(
                integer(map, "n_layers", null),
                dModel,
                dHead,
                nHeads == -1 && dHead > 0 ? dModel / dHead : nHeads,
                integer(map, "d_mlp", 4 * dModel),
                dVocab,
                dVocabOut == -1 ? dVocab : dVocabOut,
                integer(map, "n_ctx", null),
                actFn,
                attnOnly,
                map.containsKey("normalization_type") ? string(map, "normalization_type", null) : "LN",
                string(map, "positional_embedding_type", "standard"),
                number(map, "eps", DEFAULT_EPS));
    }

    /**
     * This config as compact JSON, every key written (nulls included), in {@link #KEYS} order; {@code eps} only
     * when the model has LayerNorm or it is not the default, so the book's files (no LayerNorm) keep their bytes.
     */
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
        if (hasLayerNorm() || eps != DEFAULT_EPS) {
            map.put("eps", eps);
        }
        return Json.write(map);
    }

    private static Map<?, ?> object(String json) {
        Object parsed = Json.parse(json);
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("transformer config: expected a JSON object, got " + json);
        }
        return map;
    }

    /** Fails unless the boolean at {@code key} is absent, null or {@code supported}. */
    private static void require(Map<?, ?> map, String key, boolean supported, String why) {
        if (map.get(key) != null && bool(map, key, supported) != supported) {
            throw unsupported(key, map.get(key), "only " + supported + ": " + why);
        }
    }

    private static IllegalArgumentException unsupported(String key, Object value, String why) {
        String written = value instanceof Double d ? Double.toString(d) : Json.write(value); // 8.0 as 8.0, not 8
        return new IllegalArgumentException("transformer config: " + key + " " + written + " is not supported (" + why
                + ")");
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

    /** The number at {@code key} (an integer or not); {@code fallback} when absent or null. */
    private static double number(Map<?, ?> map, String key, double fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Long) && !(value instanceof Double)) {
            throw new IllegalArgumentException("transformer config: " + key + " must be a number, got "
                    + Json.write(value));
        }
        return ((Number) value).doubleValue();
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
