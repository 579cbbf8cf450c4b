package org.circuitbook.widgets.browser;

import org.circuitbook.widgets.tensor.Ops;
import org.circuitbook.widgets.tensor.SimdModule;
import org.teavm.jso.JSBody;
import org.teavm.jso.JSByRef;
import org.teavm.jso.JSObject;

/**
 * {@link Ops#multiply} in the browser through {@link SimdModule}, WebAssembly's 128-bit SIMD: the operands are
 * copied into the module's memory, multiplied there four or sixteen outputs at a time, and the product copied
 * back. Its floats are the JVM's, bit for bit (each product and sum rounded to float, in {@code Ops.rowTimes}'s
 * order), where TeaVM's JavaScript, which keeps a float variable in double precision, rounds each sum once at
 * its end.
 *
 * <p>{@link #install} compiles the module once per page and checks it against a float-by-float reference on
 * products of several shapes before routing anything through it; a browser without WebAssembly SIMD, or a page
 * whose Content-Security-Policy forbids compiling WebAssembly, keeps the Java loops. The page's root element
 * says which is in use: {@code data-kernel="wasm-simd"} or {@code "js"}.
 */
final class SimdProduct implements Ops.Product {
    /** Products of fewer multiply-adds stay in the Java loops: copying in and out would cost more than it saves. */
    static final int MIN_TERMS = 2048;
    /**
     * Products whose operands and result together hold more floats than this (64 MB) also stay in the loops: a
     * WebAssembly memory never shrinks, so one product of a large imported model's unembedding would hold its
     * size for the rest of the page's life.
     */
    static final long MAX_FLOATS = 1L << 24;

    private static boolean installed;
    /** run's xBias or bias for none (a JSByRef array cannot be null). */
    private static final float[] NONE = new float[0];
    private static SimdProduct kernel;

    private final JSObject state;

    private SimdProduct(JSObject state) {
        this.state = state;
    }

    /** Routes {@link Ops#multiply} through the kernel where this browser compiles and passes it; once per page. */
    static void install() {
        if (installed) {
            return;
        }
        installed = true;
        JSObject state = compile(SimdModule.bytes());
        boolean ok = state != null && selfCheck(state);
        if (ok) {
            kernel = new SimdProduct(state);
            Ops.useProduct(kernel);
        }
        mark(ok ? "wasm-simd" : "js");
    }

    /**
     * For the forward-pass benchmark: the Java loops alone (false) or the kernel again (true), where it was
     * installed; the kernel in use afterwards, "wasm-simd" or "js".
     */
    static String use(boolean simd) {
        install();
        Ops.useProduct(simd ? kernel : null);
        return simd && kernel != null ? "wasm-simd" : "js";
    }

    @Override
    public boolean multiply(float[] x, float[] xBias, int m, int k, float[] y, int n, float[] bias, boolean relu,
                            boolean skipZeros, float[] out) {
        if (m <= 0 || k <= 0 || n <= 0 || (long) m * k * n < MIN_TERMS || (xBias != null && xBias.length != k)
                || (bias != null && bias.length != n) || (long) k * n + (long) m * k + (long) m * n + k + n > MAX_FLOATS) {
            return false;
        }
        run(state, x, xBias == null ? NONE : xBias, m, k, y, n, bias == null ? NONE : bias, relu ? 1 : 0,
                skipZeros ? 1 : 0, out);
        return true;
    }

    @JSBody(params = "bytes", script = "try {"
            + "  if (typeof WebAssembly !== 'object' || !WebAssembly.validate(bytes)) { return null; }"
            + "  var instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});"
            + "  return { e: instance.exports, floats: null };"
            + "} catch (e) { return null; }")
    private static native JSObject compile(@JSByRef byte[] bytes);

    /**
     * The product in the module's memory, laid out y, x, xBias, bias, out (each 16-byte aligned): copy in, add
     * xBias to x's rows, multiply, add bias to out's rows (with the ReLU), copy out. The view of the memory is
     * kept between calls and made again only when the memory grew (which detaches the old one). TeaVM renames a
     * script's parameters to single letters when it minifies: the script's own variables have longer names, so
     * that none shadows a parameter.
     */
    @JSBody(params = {"s", "x", "xBias", "m", "k", "y", "n", "bias", "relu", "skipping", "out"}, script = ""
            + "var xAt = (k * n * 4 + 15) & ~15, xBiasAt = (xAt + m * k * 4 + 15) & ~15;"
            + "var biasAt = (xBiasAt + xBias.length * 4 + 15) & ~15, outAt = (biasAt + bias.length * 4 + 15) & ~15;"
            + "var need = outAt + m * n * 4, floats = s.floats, memory = s.e.memory;"
            + "if (floats === null || floats.byteLength < need) {"
            + "  if (memory.buffer.byteLength < need) {"
            + "    memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536)); }"
            + "  floats = s.floats = new Float32Array(memory.buffer); }"
            + "floats.set(y.length === k * n ? y : y.subarray(0, k * n), 0);"
            + "floats.set(x.length === m * k ? x : x.subarray(0, m * k), xAt >> 2);"
            + "if (xBias.length !== 0) { floats.set(xBias, xBiasAt >> 2); s.e.bias(xAt, xBiasAt, m, k, 0); }"
            + "(skipping ? s.e.productSkippingZeros : s.e.product)(xAt, m, k, 0, n, outAt);"
            + "if (bias.length !== 0) { floats.set(bias, biasAt >> 2); s.e.bias(outAt, biasAt, m, n, relu); }"
            + "out.set(floats.subarray(outAt >> 2, (outAt >> 2) + m * n));")
    private static native void run(JSObject s, @JSByRef float[] x, @JSByRef float[] xBias, int m, int k,
                                   @JSByRef float[] y, int n, @JSByRef float[] bias, int relu, int skipping,
                                   @JSByRef float[] out);

    /**
     * The kernel against a float-by-float reference ({@code Math.fround} after every sum and product, which is
     * float arithmetic exactly) on products whose widths reach every block of the kernel (16, 4 and 1 columns),
     * values from a fixed generator with zeros, negatives and a wide range of magnitudes: the product, the same
     * skipping x's zeros (the same floats: y is finite), an x bias, and a bias with and without the ReLU (some
     * biases cancelling an output exactly, so that the ReLU meets +0); true when every output has the same bits.
     */
    @JSBody(params = "s", script = ""
            + "var seed = 12345;"
            + "function next() { seed = (Math.imul(seed, 1103515245) + 12345) | 0; return ((seed >>> 8) & 0xffff) / 65536; }"
            + "function wide() { return (next() - 0.5) * Math.pow(2, 20 * next() - 10); }"
            + "var memory = s.e.memory;"
            + "if (memory.buffer.byteLength < 262144) { memory.grow(Math.ceil((262144 - memory.buffer.byteLength) / 65536)); }"
            + "var floats = new Float32Array(memory.buffer), want = new Float32Array(1);"
            + "var wantBits = new Uint32Array(want.buffer), memoryBits = new Uint32Array(memory.buffer);"
            + "var shapes = [[1, 1, 1], [3, 7, 23], [5, 16, 37], [2, 33, 64], [4, 3, 5], [7, 128, 21]];"
            + "for (var shape = 0; shape < shapes.length; shape++) {"
            + "  var rows = shapes[shape][0], inner = shapes[shape][1], cols = shapes[shape][2];"
            + "  var left = new Float32Array(rows * inner), right = new Float32Array(inner * cols);"
            + "  var leftBias = new Float32Array(inner), bias = new Float32Array(cols);"
            + "  for (var at = 0; at < left.length; at++) { left[at] = next() < 0.2 ? (next() < 0.5 ? 0 : -0) : wide(); }"
            + "  for (var at = 0; at < right.length; at++) { right[at] = wide(); }"
            + "  for (var at = 0; at < inner; at++) { leftBias[at] = wide(); }"
            + "  var leftAt = 40960, leftBiasAt = 32768, biasAt = 36864, outAt = 65536;"
            + "  for (var variant = 0; variant < 5; variant++) {"
            + "    var skipping = variant === 1, shifted = variant === 2, relu = variant === 4 ? 1 : 0;"
            + "    var x = new Float32Array(left);"
            + "    if (shifted) { for (var at = 0; at < x.length; at++) { x[at] = Math.fround(x[at] + leftBias[at % inner]); } }"
            + "    var product = new Float32Array(rows * cols);"
            + "    for (var row = 0; row < rows; row++) { for (var col = 0; col < cols; col++) {"
            + "      var sum = 0;"
            + "      for (var term = 0; term < inner; term++) {"
            + "        sum = Math.fround(sum + Math.fround(x[row * inner + term] * right[term * cols + col])); }"
            + "      product[row * cols + col] = sum; } }"
            + "    for (var at = 0; at < cols; at++) { bias[at] = at % 5 === 0 ? -product[at] : wide(); }"
            + "    floats.set(right, 0); floats.set(left, leftAt >> 2); floats.set(leftBias, leftBiasAt >> 2);"
            + "    floats.set(bias, biasAt >> 2);"
            + "    if (shifted) { s.e.bias(leftAt, leftBiasAt, rows, inner, 0); }"
            + "    (skipping ? s.e.productSkippingZeros : s.e.product)(leftAt, rows, inner, 0, cols, outAt);"
            + "    if (variant >= 3) { s.e.bias(outAt, biasAt, rows, cols, relu); }"
            + "    for (var at = 0; at < rows * cols; at++) {"
            + "      var value = product[at];"
            + "      if (variant >= 3) { value = Math.fround(value + bias[at % cols]); if (relu) { value = value > 0 ? value : 0; } }"
            + "      want[0] = value;"
            + "      if (wantBits[0] !== memoryBits[(outAt >> 2) + at]) { return false; } }"
            + "  }"
            + "}"
            + "return true;")
    private static native boolean selfCheck(JSObject s);

    @JSBody(params = "kernel", script = "document.documentElement.setAttribute('data-kernel', kernel);")
    private static native void mark(String kernel);
}
