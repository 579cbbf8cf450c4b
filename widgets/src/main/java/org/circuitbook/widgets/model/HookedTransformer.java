package org.circuitbook.widgets.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;

/**
 * A GPT-style decoder-only transformer, computed as TransformerLens's {@code HookedTransformer} computes it: the
 * architecture of Elhage et al. (2021), "A Mathematical Framework for Transformer Circuits", section "Transformer
 * Overview", where every layer reads from and adds into one residual stream. The book's models have no LayerNorm
 * ({@code normalization_type} null); a model with {@code "LN"} or {@code "LNPre"} normalises what each layer reads
 * ({@link LayerNorm}: {@code ln1} before attention, {@code ln2} before the MLP, {@code ln_final} before the
 * unembedding), as GPT-2 and TransformerLens do.
 *
 * <pre>
 *   resid = W_E[tokens] + W_pos[0..pos)                                  [pos, d_model]
 *   per block:  resid += Attention(ln1(resid));  resid += MLP(ln2(resid))  [pos, d_model]
 *   logits = ln_final(resid) W_U + b_U                                   [pos, d_vocab_out]
 * </pre>
 * (each ln the identity without LayerNorm).
 *
 * <p>Weights are TransformerLens {@code state_dict} names and shapes ({@link #parameterShapes}), so
 * a file written by {@link #toWeights()} loads into TransformerLens and back. Every intermediate value
 * passes through a {@link Hook} under its TransformerLens name; for one sequence (no batch axis):
 * <pre>
 *   hook_embed, hook_pos_embed                    [pos, d_model]
 *   blocks.{l}.hook_resid_pre                     [pos, d_model]
 *   blocks.{l}.hook_q_input, hook_k_input, hook_v_input  [pos, n_heads, d_model]  (withSplitQkvInput only)
 *   blocks.{l}.ln1.hook_scale                     [pos, 1]        (LayerNorm only; split: [pos, n_heads, 1])
 *   blocks.{l}.ln1.hook_normalized                [pos, d_model]  (LayerNorm only; split: [pos, n_heads, d_model])
 *   blocks.{l}.attn.hook_q, hook_k, hook_v        [pos, n_heads, d_head]
 *   blocks.{l}.attn.hook_attn_scores              [n_heads, q_pos, k_pos]  (-infinity above the diagonal)
 *   blocks.{l}.attn.hook_pattern                  [n_heads, q_pos, k_pos]
 *   blocks.{l}.attn.hook_z                        [pos, n_heads, d_head]
 *   blocks.{l}.hook_attn_out                      [pos, d_model]
 *   blocks.{l}.hook_resid_mid                     [pos, d_model]  (not when attn_only)
 *   blocks.{l}.ln2.hook_scale, hook_normalized    [pos, 1], [pos, d_model]  (LayerNorm, not attn_only)
 *   blocks.{l}.mlp.hook_pre, hook_post            [pos, d_mlp]    (not when attn_only)
 *   blocks.{l}.hook_mlp_out                       [pos, d_model]  (not when attn_only)
 *   blocks.{l}.hook_resid_post                    [pos, d_model]
 *   ln_final.hook_scale, ln_final.hook_normalized [pos, 1], [pos, d_model]  (LayerNorm only)
 * </pre>
 * With split q/k/v inputs, as in TransformerLens, ln1 runs on each of the three inputs in turn (q, k, v), so its
 * hooks are passed three times and a cache keeps the last (v's). hook_normalized is the normalised vector before
 * the weights (TransformerLens's). Arithmetic is float32, like the rest of the widgets' model code and like
 * TransformerLens's default.
 */
public final class HookedTransformer {
    /** The {@code __metadata__} key under which the weights file stores the config as JSON. */
    public static final String CONFIG_KEY = "config";

    private final TransformerConfig cfg;
    private final Map<String, Tensor> weights; // in parameterShapes order
    private final List<Attention> attn = new ArrayList<>();
    private final List<Mlp> mlp = new ArrayList<>();
    private final List<LayerNorm> ln1 = new ArrayList<>(); // empty without LayerNorm
    private final List<LayerNorm> ln2 = new ArrayList<>(); // empty without LayerNorm or MLPs
    private final LayerNorm lnFinal;                        // null without LayerNorm
    private final boolean splitQkvInput;

    /**
     * A model from its config and weights under TransformerLens names. Every parameter must be present
     * with its exact shape and nothing else may be: all problems are reported at once, each naming the
     * tensor with its expected and actual shape. The one exception is TransformerLens's attention buffers,
     * which its {@code state_dict} holds beside the parameters ({@link #isAttentionBuffer}): accepted and not kept.
     */
    public HookedTransformer(TransformerConfig cfg, Map<String, Tensor> weights) {
        this(cfg, weights, false);
    }

    private HookedTransformer(TransformerConfig cfg, Map<String, Tensor> weights, boolean splitQkvInput) {
        this.cfg = cfg;
        this.splitQkvInput = splitQkvInput;
        Map<String, int[]> expected = parameterShapes(cfg);
        List<String> problems = new ArrayList<>();
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Tensor t = weights.get(e.getKey());
            String want = Arrays.toString(e.getValue());
            if (t == null) {
                problems.add("missing tensor \"" + e.getKey() + "\" (expected shape " + want + ")");
            } else if (!Arrays.equals(t.shape(), e.getValue())) {
                problems.add("tensor \"" + e.getKey() + "\" has shape " + Arrays.toString(t.shape())
                        + ", expected " + want);
            }
            ordered.put(e.getKey(), t);
        }
        for (Map.Entry<String, Tensor> e : weights.entrySet()) {
            String name = e.getKey();
            if (expected.containsKey(name)) {
                continue;
            }
            if (!isAttentionBuffer(cfg, name)) {
                problems.add("unexpected tensor \"" + name + "\" (not a parameter of this config)");
            } else if (bufferProblem(cfg, name, e.getValue()) != null) {
                problems.add(bufferProblem(cfg, name, e.getValue()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("transformer weights do not match the config ("
                    + problems.size() + (problems.size() == 1 ? " problem): " : " problems): ")
                    + String.join("; ", problems));
        }
        this.weights = Collections.unmodifiableMap(ordered);
        for (int l = 0; l < cfg.n_layers(); l++) {
            attn.add(new Attention(this.weights, "blocks." + l + ".attn."));
            if (!cfg.attn_only()) {
                mlp.add(new Mlp(this.weights, "blocks." + l + ".mlp.", cfg.act_fn()));
            }
            if (cfg.hasLayerNorm()) {
                ln1.add(new LayerNorm(this.weights, "blocks." + l + ".ln1.", cfg));
                if (!cfg.attn_only()) {
                    ln2.add(new LayerNorm(this.weights, "blocks." + l + ".ln2.", cfg));
                }
            }
        }
        lnFinal = cfg.hasLayerNorm() ? new LayerNorm(this.weights, "ln_final.", cfg) : null;
    }

    /**
     * Whether {@code name} is one of TransformerLens's attention buffers, which its {@code state_dict} (and so a file
     * written by {@code safetensors.torch.save_file(model.state_dict(), ...)}) holds beside the parameters:
     * {@code blocks.{l}.attn.mask} (BOOL, the causal mask: [n_ctx, n_ctx] in TransformerLens 2.x, [0, 0] in later
     * versions, which build it as they run) and {@code blocks.{l}.attn.IGNORE} (F32, [], the score put above the
     * diagonal), for a layer l of the model.
     */
    public static boolean isAttentionBuffer(TransformerConfig cfg, String name) {
        for (int l = 0; l < cfg.n_layers(); l++) {
            String a = "blocks." + l + ".attn.";
            if (name.equals(a + "mask") || name.equals(a + "IGNORE")) {
                return true;
            }
        }
        return false;
    }

    /**
     * What is wrong with a buffer's shape or values, or null: the mask must be the causal mask (ones on and below the
     * diagonal: a different mask would change what TransformerLens computes), IGNORE a score softmax turns into 0
     * (-infinity, or at most -1e4: TransformerLens 1.x wrote -1e5; exp(-1e4 - max) is 0 in float32 for any score
     * under 1e4 - 104), both of which this forward pass computes with -infinity.
     */
    private static String bufferProblem(TransformerConfig cfg, String name, Tensor t) {
        if (name.endsWith(".IGNORE")) {
            if (t.shape().length != 0) {
                return "tensor \"" + name + "\" has shape " + Arrays.toString(t.shape())
                        + ", expected [] (TransformerLens's IGNORE buffer)";
            }
            float v = t.data()[0];
            return v == Float.NEGATIVE_INFINITY || v <= -1e4f ? null : "tensor \"" + name + "\" is " + v
                    + ", expected -Infinity or at most -1e4 (the masked score: this forward pass uses -Infinity)";
        }
        int n = cfg.n_ctx();
        boolean empty = Arrays.equals(t.shape(), new int[] {0, 0});
        if (!empty && !Arrays.equals(t.shape(), new int[] {n, n})) {
            return "tensor \"" + name + "\" has shape " + Arrays.toString(t.shape()) + ", expected [" + n + ", " + n
                    + "] or [0, 0] (TransformerLens's causal-mask buffer)";
        }
        for (int i = 0; !empty && i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (t.data()[i * n + j] != (j <= i ? 1f : 0f)) {
                    return "tensor \"" + name + "\" is not the causal mask (at [" + i + ", " + j + "]: "
                            + t.data()[i * n + j] + "): this forward pass lets each position attend to itself and "
                            + "the ones before it only";
                }
            }
        }
        return null;
    }

    /**
     * Reads a model from a weights file: the config from {@code __metadata__["config"]}, then the tensors. The config is
     * the book's ({@link TransformerConfig#fromJson}) or, when it has other keys, TransformerLens's whole
     * {@code to_dict()} ({@link TransformerConfig#fromTransformerLens}).
     */
    public static HookedTransformer fromWeights(SafeTensors weights) {
        String json = weights.metadata().get(CONFIG_KEY);
        if (json == null) {
            throw new IllegalArgumentException("transformer weights have no \"" + CONFIG_KEY + "\" in "
                    + SafeTensors.METADATA_KEY + " (the HookedTransformerConfig, as JSON)");
        }
        return new HookedTransformer(TransformerConfig.fromJsonOrTransformerLens(json), weights.tensors());
    }

    /**
     * The parameters a config needs, by TransformerLens {@code state_dict} name, with their shapes, in
     * the order the forward pass uses them; with {@code "LN"}, {@code blocks.{l}.ln1.w}, {@code .b},
     * {@code blocks.{l}.ln2.w}, {@code .b} (not when attn_only) and {@code ln_final.w}, {@code .b}, each [d_model]. A trainer creates exactly these; {@link #HookedTransformer}
     * checks a file against them.
     */
    public static Map<String, int[]> parameterShapes(TransformerConfig cfg) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        shapes.put("embed.W_E", new int[] {cfg.d_vocab(), cfg.d_model()});
        shapes.put("pos_embed.W_pos", new int[] {cfg.n_ctx(), cfg.d_model()});
        boolean ln = cfg.hasLayerNormWeights();
        for (int l = 0; l < cfg.n_layers(); l++) {
            if (ln) {
                shapes.put("blocks." + l + ".ln1.w", new int[] {cfg.d_model()});
                shapes.put("blocks." + l + ".ln1.b", new int[] {cfg.d_model()});
            }
            String a = "blocks." + l + ".attn.";
            shapes.put(a + "W_Q", new int[] {cfg.n_heads(), cfg.d_model(), cfg.d_head()});
            shapes.put(a + "W_K", new int[] {cfg.n_heads(), cfg.d_model(), cfg.d_head()});
            shapes.put(a + "W_V", new int[] {cfg.n_heads(), cfg.d_model(), cfg.d_head()});
            shapes.put(a + "W_O", new int[] {cfg.n_heads(), cfg.d_head(), cfg.d_model()});
            shapes.put(a + "b_Q", new int[] {cfg.n_heads(), cfg.d_head()});
            shapes.put(a + "b_K", new int[] {cfg.n_heads(), cfg.d_head()});
            shapes.put(a + "b_V", new int[] {cfg.n_heads(), cfg.d_head()});
            shapes.put(a + "b_O", new int[] {cfg.d_model()});
            if (!cfg.attn_only()) {
                if (ln) {
                    shapes.put("blocks." + l + ".ln2.w", new int[] {cfg.d_model()});
                    shapes.put("blocks." + l + ".ln2.b", new int[] {cfg.d_model()});
                }
                String m = "blocks." + l + ".mlp.";
                shapes.put(m + "W_in", new int[] {cfg.d_model(), cfg.d_mlp()});
                shapes.put(m + "b_in", new int[] {cfg.d_mlp()});
                shapes.put(m + "W_out", new int[] {cfg.d_mlp(), cfg.d_model()});
                shapes.put(m + "b_out", new int[] {cfg.d_model()});
            }
        }
        if (ln) {
            shapes.put("ln_final.w", new int[] {cfg.d_model()});
            shapes.put("ln_final.b", new int[] {cfg.d_model()});
        }
        shapes.put("unembed.W_U", new int[] {cfg.d_model(), cfg.d_vocab_out()});
        shapes.put("unembed.b_U", new int[] {cfg.d_vocab_out()});
        return shapes;
    }

    /**
     * This model (the same weights) with TransformerLens's {@code use_split_qkv_input}: every block also passes
     * {@code blocks.{l}.hook_q_input}, {@code hook_k_input} and {@code hook_v_input} [pos, n_heads, d_model], the
     * residual stream as each head's query, key and value read it, so a hook can patch one head's Q, K or V input
     * alone. Unhooked, its logits equal this model's to the bit.
     */
    public HookedTransformer withSplitQkvInput() {
        return splitQkvInput ? this : new HookedTransformer(cfg, weights, true);
    }

    /** Whether the blocks pass the split q/k/v input hooks ({@link #withSplitQkvInput}). */
    public boolean splitQkvInput() {
        return splitQkvInput;
    }

    public TransformerConfig cfg() {
        return cfg;
    }

    /** The weights under their TransformerLens names, in {@link #parameterShapes} order (read-only map). */
    public Map<String, Tensor> tensors() {
        return weights;
    }

    /** A weights file holding {@link #tensors()} and the config under {@link #CONFIG_KEY}. */
    public SafeTensors toWeights() {
        return new SafeTensors(weights, Map.of(CONFIG_KEY, cfg.toJson()));
    }

    /** The weight called {@code name}; throws naming the ones the model has. */
    public Tensor tensor(String name) {
        Tensor t = weights.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no weight \"" + name + "\" in this model (has: "
                    + String.join(", ", weights.keySet()) + ")");
        }
        return t;
    }

    /** {@code embed.W_E}: [d_vocab, d_model]. */
    public Tensor W_E() {
        return weights.get("embed.W_E");
    }

    /** {@code pos_embed.W_pos}: [n_ctx, d_model]. */
    public Tensor W_pos() {
        return weights.get("pos_embed.W_pos");
    }

    /** {@code blocks.{layer}.attn.W_Q}: [n_heads, d_model, d_head]. */
    public Tensor W_Q(int layer) {
        return tensor("blocks." + layer + ".attn.W_Q");
    }

    /** {@code blocks.{layer}.attn.W_K}: [n_heads, d_model, d_head]. */
    public Tensor W_K(int layer) {
        return tensor("blocks." + layer + ".attn.W_K");
    }

    /** {@code blocks.{layer}.attn.W_V}: [n_heads, d_model, d_head]. */
    public Tensor W_V(int layer) {
        return tensor("blocks." + layer + ".attn.W_V");
    }

    /** {@code blocks.{layer}.attn.W_O}: [n_heads, d_head, d_model]. */
    public Tensor W_O(int layer) {
        return tensor("blocks." + layer + ".attn.W_O");
    }

    /** {@code unembed.W_U}: [d_model, d_vocab_out]. */
    public Tensor W_U() {
        return weights.get("unembed.W_U");
    }

    /** {@code unembed.b_U}: [d_vocab_out]. */
    public Tensor b_U() {
        return weights.get("unembed.b_U");
    }

    /** The logits for one sequence of token ids: [pos] -> [pos, d_vocab_out]. */
    public Tensor forward(int[] tokens) {
        return forward(tokens, Hook.IDENTITY);
    }

    /**
     * The logits for one sequence, every intermediate value passed through {@code hook} under its
     * TransformerLens name, the run continuing with what the hook returns: [pos] -> [pos, d_vocab_out].
     */
    public Tensor forward(int[] tokens, Hook hook) {
        checkTokens(tokens);
        int pos = tokens.length;
        int dModel = cfg.d_model();
        Tensor wE = W_E();
        Tensor wPos = W_pos();
        float[] embed = new float[pos * dModel];
        float[] posEmbed = new float[pos * dModel];
        for (int p = 0; p < pos; p++) {
            for (int m = 0; m < dModel; m++) {
                embed[p * dModel + m] = wE.get(tokens[p], m);   // row tokens[p] of W_E
                posEmbed[p * dModel + m] = wPos.get(p, m);      // row p of W_pos
            }
        }
        Tensor resid = Ops.add(
                hooked(hook, "hook_embed", Tensor.of(embed, pos, dModel)),         // [pos, d_model]
                hooked(hook, "hook_pos_embed", Tensor.of(posEmbed, pos, dModel))); // [pos, d_model]
        return blocksFrom(0, resid, hook);
    }

    /**
     * The logits of a run resumed at block {@code layer}'s {@code attn.hook_z}: {@code cache} recorded a run of
     * this model on the same tokens that nothing changed before that point, and the run continues from
     * {@code z} [pos, n_heads, d_head] there instead of that run's z, through {@code hook} from that hook point
     * on. Bit for bit what {@link #forward} gives with a hook that returns {@code z} at that point (and then
     * acts as {@code hook}), without recomputing the blocks before {@code layer} or its attention pattern: a
     * head ablation or patch of z costs only what follows it.
     */
    public Tensor resumeAtZ(ActivationCache cache, int layer, Tensor z, Hook hook) {
        if (layer < 0 || layer >= cfg.n_layers()) {
            throw new IllegalArgumentException("no layer " + layer + " in a " + cfg.n_layers() + "-layer model");
        }
        String block = "blocks." + layer + ".";
        Tensor resid = cache.get(block + "hook_resid_pre");
        Tensor zz = hooked(hook, block + "attn.hook_z", z);
        Tensor attnOut = hooked(hook, block + "hook_attn_out", attn.get(layer).output(zz)); // [pos, d_model]
        return blocksFrom(layer + 1, afterAttention(layer, resid, attnOut, hook), hook);
    }

    /** Blocks {@code first} on from the residual stream entering block {@code first}, then the unembedding. */
    private Tensor blocksFrom(int first, Tensor resid, Hook hook) {
        for (int l = first; l < cfg.n_layers(); l++) {
            String block = "blocks." + l + ".";
            resid = hooked(hook, block + "hook_resid_pre", resid);                           // [pos, d_model]
            LayerNorm ln = ln1.isEmpty() ? null : ln1.get(l);
            Tensor attnOut = hooked(hook, block + "hook_attn_out", splitQkvInput
                    ? attn.get(l).forwardSplit(resid, block, block + "attn.", ln, block + "ln1.", hook)
                    : attn.get(l).forward(ln == null ? resid : ln.forward(resid, block + "ln1.", hook),
                            block + "attn.", hook));                                        // [pos, d_model]
            resid = afterAttention(l, resid, attnOut, hook);
        }
        return unembed(resid, hook);
    }

    /**
     * The logits the residual stream {@code resid} [pos, d_model] gives at the end of the model: {@code ln_final}
     * (with LayerNorm; its hooks passed through {@code hook}), then {@code W_U} and {@code b_U}: [pos, d_vocab_out].
     */
    public Tensor unembed(Tensor resid, Hook hook) {
        Tensor x = lnFinal == null ? resid : lnFinal.forward(resid, "ln_final.", hook);
        return Ops.addBias(Ops.matmul(x, W_U()), b_U()); // [pos, d_model] x [d_model, d_vocab_out]
    }

    /**
     * Fails with a message saying that {@code analysis} assumes no LayerNorm, when this model has it: for the analyses
     * written for the book's models (weight products through W_E and W_U, direct logit attribution, the hand-written
     * backward pass), which would give numbers that are not the model's if they ignored the normalisation.
     */
    public void requireNoLayerNorm(String analysis) {
        if (cfg.hasLayerNorm()) {
            throw new IllegalArgumentException(analysis + " assumes no LayerNorm; this model has normalization_type \""
                    + cfg.normalization_type() + "\"");
        }
    }

    /** Block {@code l} after its attention: the residual stream it writes, {@code hook_resid_post}. */
    private Tensor afterAttention(int l, Tensor resid, Tensor attnOut, Hook hook) {
        String block = "blocks." + l + ".";
        if (cfg.attn_only()) {
            return hooked(hook, block + "hook_resid_post", Ops.add(resid, attnOut));        // [pos, d_model]
        }
        Tensor residMid = hooked(hook, block + "hook_resid_mid", Ops.add(resid, attnOut)); // [pos, d_model]
        Tensor mlpIn = ln2.isEmpty() ? residMid : ln2.get(l).forward(residMid, block + "ln2.", hook);
        Tensor mlpOut = hooked(hook, block + "hook_mlp_out",
                mlp.get(l).forward(mlpIn, block + "mlp.", hook));                           // [pos, d_model]
        return hooked(hook, block + "hook_resid_post", Ops.add(residMid, mlpOut));         // [pos, d_model]
    }

    /** Runs one sequence and returns every activation by hook name, as TransformerLens's run_with_cache. */
    public ActivationCache runWithCache(int[] tokens) {
        return runWithCache(tokens, Hook.IDENTITY);
    }

    /** Runs with {@code hook} (a patch) and caches each activation as the run continued with it. */
    public ActivationCache runWithCache(int[] tokens, Hook hook) {
        ActivationCache cache = new ActivationCache();
        forward(tokens, hook.andThen(cache));
        return cache;
    }

    /** Passes {@code value} through the hook at {@code name}; the hook must keep the shape. */
    static Tensor hooked(Hook hook, String name, Tensor value) {
        Tensor out = hook.apply(name, value);
        if (out == null || !Arrays.equals(out.shape(), value.shape())) {
            throw new IllegalArgumentException("hook at " + name + " returned " + out + ", expected shape "
                    + Arrays.toString(value.shape()));
        }
        return out;
    }

    private void checkTokens(int[] tokens) {
        if (tokens.length == 0 || tokens.length > cfg.n_ctx()) {
            throw new IllegalArgumentException("a sequence needs 1 to n_ctx = " + cfg.n_ctx() + " tokens, got "
                    + tokens.length);
        }
        for (int p = 0; p < tokens.length; p++) {
            if (tokens[p] < 0 || tokens[p] >= cfg.d_vocab()) {
                throw new IllegalArgumentException("token " + tokens[p] + " at position " + p
                        + " is outside the vocabulary [0, " + cfg.d_vocab() + ")");
            }
        }
    }
}
