package org.circuitbook.widgets.tensor;

import java.io.ByteArrayOutputStream;

/**
 * A WebAssembly module, written here byte by byte, with three functions, for the browser's matrix products
 * ({@code browser.SimdProduct}); nothing on the JVM runs it.
 * <ul>
 *   <li>{@code product(x, m, k, y, n, out)} ({@link Ops#multiply}; byte addresses in the module's exported
 *   {@code memory}) sets {@code out[i * n + j]} to the sum over p of {@code x[i * k + p] * y[p * n + j]} for every
 *   row i, each output a float sum from +0 adding the terms for p = 0, 1, ... in turn: Ops.rowTimes's sums in its
 *   order, each product and each sum rounded to float (WebAssembly's f32x4 operations round every lane as Java's
 *   float arithmetic does, and fuse nothing), so the outputs are the JVM's, bit for bit. Sixteen outputs at a time
 *   in four vectors (four independent chains of additions), then four, then one.</li>
 *   <li>{@code productSkippingZeros}, the same without the terms whose x is zero or -0, one branch per x
 *   ({@link Ops#matmulSkippingZeros}: the same floats for finite y).</li>
 *   <li>{@code bias(out, bias, m, n, relu)}, a bias added to every row of a matrix, and with relu the ReLU after it
 *   (the centring of an SAE's inputs, the bias and ReLU of its encoder, the bias of its decoder).</li>
 * </ul>
 */
public final class SimdModule {
    private SimdModule() {
    }

    // parameters
    private static final int X = 0;
    private static final int M = 1;
    private static final int K = 2;
    private static final int Y = 3;
    private static final int N = 4;
    private static final int OUT = 5;
    // locals: 8 x i32, then 5 x v128, then 2 x f32
    private static final int I = 6;
    private static final int J = 7;
    private static final int P = 8;
    private static final int XP = 9;
    private static final int YP = 10;
    private static final int XROW = 11;
    private static final int OROW = 12;
    private static final int NB = 13;
    private static final int ACC = 14;   // 14..17
    private static final int XV = 18;
    private static final int S = 19;
    private static final int XS = 20;    // x[p], f32

    private static final int I32 = 0x7f;
    private static final int F32 = 0x7d;
    private static final int V128 = 0x7b;

    /** The module's bytes. */
    public static byte[] bytes() {
        Bytes module = new Bytes();
        module.raw(0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00);
        // type section: (i32 x 6) -> () and (i32 x 5) -> ()
        module.section(1, new Bytes().u32(2).raw(0x60).u32(6).raw(I32, I32, I32, I32, I32, I32).u32(0)
                .raw(0x60).u32(5).raw(I32, I32, I32, I32, I32).u32(0));
        // function section: function 0 has type 0, function 1 type 0, function 2 type 1
        module.section(3, new Bytes().u32(3).u32(0).u32(0).u32(1));
        // memory section: one memory of at least one 64 KiB page, no maximum
        module.section(5, new Bytes().u32(1).raw(0x00).u32(1));
        // export section: "product" (function 0), "productSkippingZeros" (function 1), "bias" (function 2) and
        // "memory" (memory 0)
        module.section(7, new Bytes().u32(4).name("product").raw(0x00).u32(0).name("productSkippingZeros").raw(0x00)
                .u32(1).name("bias").raw(0x00).u32(2).name("memory").raw(0x02).u32(0));
        Bytes product = new Bytes().u32(3).u32(8).raw(I32).u32(5).raw(V128).u32(2).raw(F32);
        code(product, false);
        Bytes skipping = new Bytes().u32(3).u32(8).raw(I32).u32(5).raw(V128).u32(2).raw(F32);
        code(skipping, true);
        Bytes bias = new Bytes().u32(3).u32(3).raw(I32).u32(2).raw(V128).u32(1).raw(F32);
        bias(bias);
        module.section(10, new Bytes().u32(3).u32(product.size()).bytes(product).u32(skipping.size()).bytes(skipping)
                .u32(bias.size()).bytes(bias));
        return module.toByteArray();
    }

    // bias's parameters and locals
    private static final int B_OUT = 0;
    private static final int B_BIAS = 1;
    private static final int B_M = 2;
    private static final int B_N = 3;
    private static final int B_RELU = 4;
    private static final int B_ROW = 5;
    private static final int B_I = 6;
    private static final int B_J = 7;
    private static final int B_V = 8;
    private static final int B_ZERO = 9;
    private static final int B_S = 10;

    /**
     * {@code bias(out, bias, m, n, relu)}: for each of the m rows of n floats at out, {@code out[i * n + j] +=
     * bias[j]}, the sum rounded to float; with relu (non-zero) then Java's {@code v > 0f ? v : 0f} (so +0 for -0
     * and for NaN): a lane kept where it is greater than +0 and cleared elsewhere.
     */
    private static void bias(Bytes c) {
        c.v128Zero().set(B_ZERO);
        c.i32(0).set(B_I);
        c.block().loop();                                                     // every row i
        c.get(B_I).get(B_M).op(0x4e).brIf(1);
        c.get(B_OUT).get(B_I).get(B_N).op(0x6c).i32(2).op(0x74).op(0x6a).set(B_ROW);   // row = out + (i * n << 2)
        c.i32(0).set(B_J);
        c.block().loop();                                                     // four columns at a time
        c.get(B_J).i32(4).op(0x6a).get(B_N).op(0x4a).brIf(1);                 // j + 4 > n: done
        c.get(B_ROW).get(B_J).i32(2).op(0x74).op(0x6a).simdMem(0x00, 0);      // v = row[j..j+3] + bias[j..j+3]
        c.get(B_BIAS).get(B_J).i32(2).op(0x74).op(0x6a).simdMem(0x00, 0);
        c.simd(0xe4).set(B_V);
        c.get(B_RELU).raw(0x04, 0x40);                                        // if relu: v = v & (v > 0)
        c.get(B_V).get(B_V).get(B_ZERO).simd(0x44).simd(0x4e).set(B_V);
        c.end();
        c.get(B_ROW).get(B_J).i32(2).op(0x74).op(0x6a).get(B_V).simdMem(0x0b, 0);
        c.get(B_J).i32(4).op(0x6a).set(B_J);
        c.br(0).end().end();
        c.block().loop();                                                     // the rest, one at a time
        c.get(B_J).get(B_N).op(0x4e).brIf(1);
        c.get(B_ROW).get(B_J).i32(2).op(0x74).op(0x6a).load(0x2a, 0);
        c.get(B_BIAS).get(B_J).i32(2).op(0x74).op(0x6a).load(0x2a, 0);
        c.op(0x92).set(B_S);                                                  // s = row[j] + bias[j]
        c.get(B_RELU).raw(0x04, 0x40);                                        // if relu: s = s > 0 ? s : 0
        c.get(B_S).raw(0x43).raw(0, 0, 0, 0).get(B_S).raw(0x43).raw(0, 0, 0, 0).op(0x5e).op(0x1b).set(B_S);
        c.end();
        c.get(B_ROW).get(B_J).i32(2).op(0x74).op(0x6a).get(B_S).store(0x38, 0);
        c.get(B_J).i32(1).op(0x6a).set(B_J);
        c.br(0).end().end();
        c.get(B_I).i32(1).op(0x6a).set(B_I);
        c.br(0).end().end();
        c.end();
    }

    /** product's body, or with {@code skipZeros} productSkippingZeros's: the same, without the terms whose x is 0. */
    private static void code(Bytes c, boolean skipZeros) {
        c.get(N).i32(2).op(0x74).set(NB);                                     // nb = n << 2, a row of y in bytes
        c.i32(0).set(I);
        c.block().loop();                                                     // every row i
        c.get(I).get(M).op(0x4e).brIf(1);                                     // i >= m: done
        c.get(X).get(I).get(K).op(0x6c).i32(2).op(0x74).op(0x6a).set(XROW);   // xrow = x + (i * k << 2)
        c.get(OUT).get(I).get(NB).op(0x6c).op(0x6a).set(OROW);                // orow = out + i * nb
        c.i32(0).set(J);
        columns(c, 4, skipZeros);
        columns(c, 1, skipZeros);
        columns(c, 0, skipZeros);
        c.get(I).i32(1).op(0x6a).set(I);
        c.br(0).end().end();
        c.end();                                                              // the function's end
    }

    /** One block of columns: {@code vectors} f32x4 sums at a time (4 or 1), or, for 0, one f32 sum at a time. */
    private static void columns(Bytes c, int vectors, boolean skipZeros) {
        int width = vectors == 0 ? 1 : 4 * vectors;
        c.block().loop();
        c.get(J).i32(width).op(0x6a).get(N).op(0x4a).brIf(1);                 // j + width > n: done
        if (vectors == 0) {
            c.raw(0x43).raw(0, 0, 0, 0).set(S);                               // s = +0
        }
        for (int a = 0; a < vectors; a++) {
            c.v128Zero().set(ACC + a);                                        // acc[a] = +0 in every lane
        }
        c.i32(0).set(P);
        c.get(XROW).set(XP);
        c.get(Y).get(J).i32(2).op(0x74).op(0x6a).set(YP);                     // yp = y + (j << 2)
        c.block().loop();                                                     // every p
        c.get(P).get(K).op(0x4e).brIf(1);                                     // p >= k: done
        c.block();                                                            // this term (br 0: skip it)
        c.get(XP).load(0x2a, 0).set(XS);                                      // xs = x[p]
        if (skipZeros) {
            c.get(XS).raw(0x43).raw(0, 0, 0, 0).op(0x5b).brIf(0);             // xs == 0 (or -0): skip
        }
        if (vectors == 0) {
            // s = s + x[p] * y[p][j]
            c.get(S).get(XS).get(YP).load(0x2a, 0).op(0x94).op(0x92).set(S);
        } else {
            c.get(XS).simd(0x13).set(XV);                                     // xv = splat(x[p])
            for (int a = 0; a < vectors; a++) {
                // acc[a] = acc[a] + xv * y[p][j + 4a .. j + 4a + 3]
                c.get(ACC + a).get(XV).get(YP).simdMem(0x00, 16 * a).simd(0xe6).simd(0xe4).set(ACC + a);
            }
        }
        c.end();
        c.get(P).i32(1).op(0x6a).set(P);
        c.get(XP).i32(4).op(0x6a).set(XP);
        c.get(YP).get(NB).op(0x6a).set(YP);
        c.br(0).end().end();
        if (vectors == 0) {
            c.get(OROW).get(J).i32(2).op(0x74).op(0x6a).get(S).store(0x38, 0);
        }
        for (int a = 0; a < vectors; a++) {
            c.get(OROW).get(J).i32(2).op(0x74).op(0x6a).get(ACC + a).simdMem(0x0b, 16 * a);
        }
        c.get(J).i32(width).op(0x6a).set(J);
        c.br(0).end().end();
    }

    /** A growing byte buffer with WebAssembly's encodings. */
    private static final class Bytes {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Bytes raw(int... values) {
            for (int v : values) {
                out.write(v);
            }
            return this;
        }

        Bytes bytes(Bytes other) {
            byte[] b = other.toByteArray();
            out.write(b, 0, b.length);
            return this;
        }

        /** Unsigned LEB128. */
        Bytes u32(int value) {
            int v = value;
            do {
                int b = v & 0x7f;
                v >>>= 7;
                out.write(v != 0 ? b | 0x80 : b);
            } while (v != 0);
            return this;
        }

        /** Signed LEB128. */
        Bytes s32(int value) {
            int v = value;
            while (true) {
                int b = v & 0x7f;
                v >>= 7;
                boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
                out.write(done ? b : b | 0x80);
                if (done) {
                    return this;
                }
            }
        }

        Bytes name(String ascii) {
            u32(ascii.length());
            for (int i = 0; i < ascii.length(); i++) {
                out.write(ascii.charAt(i));
            }
            return this;
        }

        Bytes section(int id, Bytes content) {
            return raw(id).u32(content.size()).bytes(content);
        }

        Bytes op(int opcode) {
            return raw(opcode);
        }

        Bytes get(int local) {
            return raw(0x20).u32(local);
        }

        Bytes set(int local) {
            return raw(0x21).u32(local);
        }

        Bytes i32(int value) {
            return raw(0x41).s32(value);
        }

        Bytes block() {
            return raw(0x02, 0x40);
        }

        Bytes loop() {
            return raw(0x03, 0x40);
        }

        Bytes end() {
            return raw(0x0b);
        }

        Bytes br(int depth) {
            return raw(0x0c).u32(depth);
        }

        Bytes brIf(int depth) {
            return raw(0x0d).u32(depth);
        }

        /** A scalar load or store with alignment 4 (2^2) and the given offset. */
        Bytes load(int opcode, int offset) {
            return raw(opcode).u32(2).u32(offset);
        }

        Bytes store(int opcode, int offset) {
            return load(opcode, offset);
        }

        Bytes simd(int opcode) {
            return raw(0xfd).u32(opcode);
        }

        /** v128.load (0x00) or v128.store (0x0b), alignment given as 4 bytes (a hint: any address works). */
        Bytes simdMem(int opcode, int offset) {
            return simd(opcode).u32(2).u32(offset);
        }

        Bytes v128Zero() {
            simd(0x0c);
            for (int i = 0; i < 16; i++) {
                out.write(0);
            }
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }
}
