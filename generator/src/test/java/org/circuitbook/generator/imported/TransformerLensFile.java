package org.circuitbook.generator.imported;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.TransformerConfig;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.Json;

/**
 * A file as TransformerLens users write one ({@code save_file(model.state_dict(), path, metadata={"config":
 * json.dumps(cfg.to_dict())})}): TransformerLens's parameters (F32), its buffers ({@code blocks.N.attn.mask} BOOL
 * [n_ctx, n_ctx], {@code blocks.N.attn.IGNORE} F32 []), a config dict with TransformerLens-only fields, optionally a
 * vocab and reference logits; random seeded weights. Written byte by byte here (this project's writer writes F32 only).
 */
public final class TransformerLensFile {
    /** A 2-layer LayerNorm gelu model, d_model 16, 4 heads of 4, d_mlp 32, d_vocab 10, n_ctx 6. */
    public static final TransformerConfig CFG = new TransformerConfig(2, 16, 4, 4, 32, 10, 10, 6, "gelu", false, "LN",
            "standard");

    private TransformerLensFile() {
    }

    /** The random parameters of {@link #CFG} (seeded). */
    public static Map<String, Tensor> parameters(long seed) {
        Random random = new Random(seed);
        Map<String, Tensor> weights = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> p : HookedTransformer.parameterShapes(CFG).entrySet()) {
            int size = 1;
            for (int d : p.getValue()) {
                size *= d;
            }
            float[] data = new float[size];
            boolean gain = p.getKey().endsWith(".w");
            for (int i = 0; i < size; i++) {
                data[i] = (float) ((gain ? 1 : 0) + random.nextGaussian() * (gain ? 0.2 : 0.4));
            }
            weights.put(p.getKey(), Tensor.of(data, p.getValue()));
        }
        return weights;
    }

    /** TransformerLens's config dict for {@link #CFG}, as {@code cfg.to_dict()} has it (a subset of its fields). */
    public static Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("n_layers", 2L);
        c.put("d_model", 16L);
        c.put("n_ctx", 6L);
        c.put("d_head", 4L);
        c.put("model_name", "custom");
        c.put("n_heads", 4L);
        c.put("d_mlp", 32L);
        c.put("act_fn", "gelu");
        c.put("d_vocab", 10L);
        c.put("eps", 1e-5);
        c.put("use_attn_result", false);
        c.put("use_attn_scale", true);
        c.put("attn_scale", 2.0);
        c.put("normalization_type", "LN");
        c.put("device", "cpu");
        c.put("attention_dir", "causal");
        c.put("attn_only", false);
        c.put("seed", null);
        c.put("positional_embedding_type", "standard");
        c.put("d_vocab_out", 10L);
        c.put("parallel_attn_mlp", false);
        c.put("dtype", "torch.float32");
        return c;
    }

    /** The file: {@code parameters}, buffers, the config, and the given metadata (vocab, reference) when not null. */
    public static byte[] write(Map<String, Tensor> parameters, Map<String, Object> config, Map<String, String> extra) {
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("config", Json.write(config));
        meta.putAll(extra);
        header.put("__metadata__", meta);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, Tensor> p : parameters.entrySet()) {
            long start = data.size();
            ByteBuffer b = ByteBuffer.allocate(p.getValue().data().length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : p.getValue().data()) {
                b.putFloat(v);
            }
            data.writeBytes(b.array());
            header.put(p.getKey(), entry("F32", p.getValue().shape(), start, data.size()));
        }
        int layers = ((Number) config.get("n_layers")).intValue();
        int ctx = ((Number) config.get("n_ctx")).intValue();
        for (int l = 0; l < layers; l++) {
            long start = data.size();
            for (int q = 0; q < ctx; q++) {
                for (int k = 0; k < ctx; k++) {
                    data.write(k <= q ? 1 : 0);
                }
            }
            header.put("blocks." + l + ".attn.mask", entry("BOOL", new int[] {ctx, ctx}, start, data.size()));
            start = data.size();
            data.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(Float.NEGATIVE_INFINITY).array());
            header.put("blocks." + l + ".attn.IGNORE", entry("F32", new int[0], start, data.size()));
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length).array());
        out.writeBytes(json);
        out.writeBytes(data.toByteArray());
        return out.toByteArray();
    }

    /** The file of {@link #CFG} with seed 7's parameters, a vocab, and reference logits from Java's forward pass. */
    public static byte[] standard() {
        Map<String, Tensor> parameters = parameters(7);
        HookedTransformer model = new HookedTransformer(CFG, parameters);
        List<int[]> sequences = List.of(new int[] {3}, new int[] {1, 4, 1, 5, 9, 2});
        List<Object> tokens = new java.util.ArrayList<>();
        List<Object> logits = new java.util.ArrayList<>();
        for (int[] seq : sequences) {
            List<Object> ids = new java.util.ArrayList<>();
            List<Object> rows = new java.util.ArrayList<>();
            float[] out = model.forward(seq).data();
            for (int p = 0; p < seq.length; p++) {
                ids.add((long) seq[p]);
                List<Object> row = new java.util.ArrayList<>();
                for (int v = 0; v < CFG.d_vocab_out(); v++) {
                    row.add((double) out[p * CFG.d_vocab_out() + v]);
                }
                rows.add(row);
            }
            tokens.add(ids);
            logits.add(rows);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("vocab", Json.write(List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j")));
        Map<String, Object> reference = new LinkedHashMap<>();
        reference.put("tokens", tokens);
        reference.put("logits", logits);
        extra.put("reference", Json.write(reference));
        return write(parameters, config(), extra);
    }

    /** The file's SHA-256, as a spec's {@code sha256} names it. */
    public static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> entry(String dtype, int[] shape, long start, long end) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("dtype", dtype);
        List<Object> dims = new java.util.ArrayList<>();
        for (int d : shape) {
            dims.add((long) d);
        }
        e.put("shape", dims);
        e.put("data_offsets", List.of(start, end));
        return e;
    }
}
