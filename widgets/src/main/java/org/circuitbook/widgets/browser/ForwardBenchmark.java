package org.circuitbook.widgets.browser;

import java.util.HashMap;
import java.util.Map;
import org.circuitbook.widgets.model.HookedTransformer;
import org.circuitbook.widgets.model.SparseAutoencoder;
import org.circuitbook.widgets.model.ToyModel;
import org.circuitbook.widgets.tensor.Tensor;
import org.circuitbook.widgets.weights.SafeTensors;
import org.teavm.jso.JSExport;
import org.teavm.jso.typedarrays.ArrayBuffer;
import org.teavm.jso.typedarrays.Float32Array;
import org.teavm.jso.typedarrays.Int32Array;
import org.teavm.jso.typedarrays.Int8Array;

/**
 * Not part of the widgets bundle: the entry point of the widget benchmark's own TeaVM build
 * ({@code mvn -Pbench}, written to {@code widgets/target/bench/forward-benchmark.js}, an ES module), which the
 * benchmark page ({@code bench/page/forward.html}) loads to time the widgets' forward passes in the browser,
 * next to a peer runtime running the same weights. Main never reaches this class, so the book's bundle does
 * not grow.
 *
 * <p>Each export takes a model id the page chose: {@link #load} parses a safetensors file into the model its
 * {@code kind} names, {@link #tokens} or {@link #inputs} set what it runs on, {@link #run} runs the forward
 * pass {@code times} times (the page times the call), and {@link #output} gives the last result, which
 * the page compares with the peer's; {@link #unload} forgets a model.
 */
public final class ForwardBenchmark {
    /** A loaded model and the input it runs on. */
    private static final class Entry {
        HookedTransformer transformer;
        ToyModel toy;
        SparseAutoencoder sae;
        int[] tokens;
        Tensor x;
        Tensor last;

        Tensor forward() {
            if (transformer != null) {
                return transformer.forward(tokens);
            }
            return toy != null ? toy.forward(x) : sae.forward(x);
        }
    }

    private static final Map<String, Entry> MODELS = new HashMap<>();

    private ForwardBenchmark() {
    }

    public static void main(String[] args) {
        // nothing to start: the page calls the exports
    }

    /** Reads {@code bytes} as a {@code kind} model ("transformer", "toy" or "sae") under {@code id}. */
    @JSExport
    public static void load(String id, String kind, ArrayBuffer bytes) {
        SimdProduct.install(); // as the book's bundle does (Main): the products in WebAssembly SIMD where it can
        SafeTensors file = SafeTensors.fromBytes(new Int8Array(bytes).copyToJavaArray());
        Entry e = new Entry();
        switch (kind) {
            case "transformer" -> e.transformer = HookedTransformer.fromWeights(file);
            case "toy" -> e.toy = ToyModel.fromWeights(file);
            case "sae" -> e.sae = SparseAutoencoder.fromWeights(file);
            default -> throw new IllegalArgumentException("unknown model kind " + kind);
        }
        MODELS.put(id, e);
    }

    /**
     * Matrix products in WebAssembly SIMD ({@link SimdProduct}, as the book's bundle does) when {@code simd} and
     * the browser can, else in the Java loops alone; returns which: "wasm-simd" or "js".
     */
    @JSExport
    public static String kernel(boolean simd) {
        return SimdProduct.use(simd);
    }

    /**
     * Forgets the model loaded under {@code id}, so that the browser can reclaim its memory before the next
     * {@link #load} (the model-size benchmark loads files of hundreds of MB one after another).
     */
    @JSExport
    public static void unload(String id) {
        MODELS.remove(id);
    }

    /** The token sequence a transformer runs on. */
    @JSExport
    public static void tokens(String id, Int32Array tokens) {
        entry(id).tokens = tokens.copyToJavaArray();
    }

    /** The batch a toy model or SAE runs on: {@code values} is [rows, values.length / rows], row-major. */
    @JSExport
    public static void inputs(String id, Float32Array values, int rows) {
        float[] x = values.copyToJavaArray();
        entry(id).x = Tensor.of(x, rows, x.length / rows);
    }

    /** Runs the forward pass {@code times} times; returns the sum of the last output (so no run is dead code). */
    @JSExport
    public static double run(String id, int times) {
        Entry e = entry(id);
        for (int i = 0; i < times; i++) {
            e.last = e.forward();
        }
        double sum = 0;
        for (float v : e.last.data()) {
            sum += v;
        }
        return sum;
    }

    /** The last output, row-major (logits [pos, d_vocab_out] for a transformer). */
    @JSExport
    public static Float32Array output(String id) {
        return Float32Array.copyFromJavaArray(entry(id).last.data());
    }

    private static Entry entry(String id) {
        Entry e = MODELS.get(id);
        if (e == null) {
            throw new IllegalArgumentException("no model loaded as " + id);
        }
        return e;
    }
}
