package org.circuitbook.widgets.model;

import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * The weight products that explain what a head does without running the model: Elhage et al. (2021),
 * "A Mathematical Framework for Transformer Circuits". {@link #OV} and {@link #QK} are the paper's
 * W_OV and W_QK matrices, which TransformerLens exposes as {@code model.OV} and {@code model.QK}; what the
 * paper itself calls the OV and QK circuits are those read through the embedding and unembedding, here
 * {@link #fullOV} and {@link #fullQK}, as TransformerLens's tutorials name them.
 *
 * <p>The paper multiplies column vectors from the left ({@code W_U W_OV W_E}); TransformerLens and this
 * code multiply row vectors from the right, so every product here reads in the opposite order
 * ({@code W_E OV W_U}) and rows are the token or direction being read, columns the one written or scored.
 *
 * <p>The full circuits go through W_E alone: they are exact for a one-layer attention-only model and, for
 * a head in a later layer, the direct term that ignores what earlier layers wrote (composition, section
 * "Two-Layer Attention-Only Transformers").
 *
 * <p>They assume a model without LayerNorm, whose layers read the residual stream itself: {@link #fullOV},
 * {@link #fullQK} and {@link #directPath} refuse a model with it ({@link HookedTransformer#requireNoLayerNorm}).
 * {@link #OV} and {@link #QK} are the weight products alone, defined for any model (as TransformerLens's), but in a
 * model with LayerNorm a head reads the normalised stream (times {@code ln1.w}, unless folded: "LNPre").
 */
public final class Circuits {
    private Circuits() {
    }

    /**
     * The OV matrix of one head (the paper's W_OV), {@code W_V[h] W_O[h]}: what the head writes to the residual stream
     * (a row) for each direction it attends to: [d_model, d_head] x [d_head, d_model] -> [d_model, d_model].
     * Section "Splitting Attention Head terms into Query-Key and Output-Value Circuits".
     */
    public static Tensor OV(HookedTransformer model, int layer, int head) {
        Tensor wV = model.W_V(layer).index(head); // [d_model, d_head]
        Tensor wO = model.W_O(layer).index(head); // [d_head, d_model]
        return Ops.matmul(wV, wO);                // [d_model, d_model]
    }

    /**
     * The QK matrix of one head (the paper's W_QK), {@code W_Q[h] W_K[h]^T}: the bilinear form x_query QK x_key^T that,
     * scaled by 1/sqrt(d_head), is the attention score: [d_model, d_head] x [d_head, d_model] ->
     * [d_model, d_model] (rows: query directions, columns: key directions). Same section as {@link #OV}.
     */
    public static Tensor QK(HookedTransformer model, int layer, int head) {
        Tensor wQ = model.W_Q(layer).index(head);             // [d_model, d_head]
        Tensor wK = model.W_K(layer).index(head);             // [d_model, d_head]
        return Ops.matmul(wQ, Ops.transpose(wK));             // [d_model, d_head] x [d_head, d_model]
    }

    /**
     * The full OV circuit {@code W_E OV W_U}: if the head attends to a token (row), how much it raises each
     * output logit (column): [d_vocab, d_model] x [d_model, d_model] x [d_model, d_vocab_out] ->
     * [d_vocab, d_vocab_out]. A copying head has a large positive diagonal. The paper's "OV circuit",
     * section "Splitting Attention Head terms into Query-Key and Output-Value Circuits"; copying is read off
     * it in "Summarizing OV/QK Matrices".
     */
    public static Tensor fullOV(HookedTransformer model, int layer, int head) {
        model.requireNoLayerNorm("the full OV circuit W_E OV W_U");
        Tensor embedOV = Ops.matmul(model.W_E(), OV(model, layer, head)); // [d_vocab, d_model]
        return Ops.matmul(embedOV, model.W_U());                          // [d_vocab, d_vocab_out]
    }

    /**
     * The full QK circuit {@code W_E QK W_E^T}: how much a query token (row) wants to attend to a key
     * token (column), before the 1/sqrt(d_head) scale and ignoring positions: [d_vocab, d_model] x
     * [d_model, d_model] x [d_model, d_vocab] -> [d_vocab, d_vocab]. The paper's "QK circuit", section
     * "Splitting Attention Head terms into Query-Key and Output-Value Circuits".
     */
    public static Tensor fullQK(HookedTransformer model, int layer, int head) {
        model.requireNoLayerNorm("the full QK circuit W_E QK W_E^T");
        Tensor embedQK = Ops.matmul(model.W_E(), QK(model, layer, head)); // [d_vocab, d_model]
        return Ops.matmul(embedQK, Ops.transpose(model.W_E()));           // [d_vocab, d_vocab]
    }

    /**
     * The direct path {@code W_E W_U}: the logits a token predicts through the residual stream alone,
     * the bigram statistics of a zero-layer transformer: [d_vocab, d_model] x [d_model, d_vocab_out] ->
     * [d_vocab, d_vocab_out]. Section "Zero-Layer Transformers". Leaves out b_U, as the paper does.
     */
    public static Tensor directPath(HookedTransformer model) {
        model.requireNoLayerNorm("the direct path W_E W_U");
        return Ops.matmul(model.W_E(), model.W_U()); // [d_vocab, d_vocab_out]
    }
}
