package org.circuitbook.widgets.weights;

import static org.circuitbook.widgets.weights.RawSafeTensors.bits16;
import static org.circuitbook.widgets.weights.RawSafeTensors.bool;
import static org.circuitbook.widgets.weights.RawSafeTensors.f32;
import static org.circuitbook.widgets.weights.RawSafeTensors.f64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.circuitbook.widgets.tensor.Tensor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What {@link SafeTensors#fromBytes} makes of dtypes other than F32, and of scalars. */
class SafeTensorsDtypesTest {
    @Test
    @DisplayName("F16, BF16 and BOOL are read into float32 exactly, F64 rounded; a shape [] is one element")
    void dtypes() {
        byte[] file = new RawSafeTensors()
                .add("mask", "BOOL", new long[] {3}, bool(true, false, true)) // 3 bytes: what follows is unaligned
                .add("half", "F16", new long[] {9}, bits16(0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3800, 0x3555, 0x7C00,
                        0xFC00, 0x8000))
                .add("brain", "BF16", new long[] {2, 1}, bits16(0x3FC0, 0xC050))
                .add("double", "F64", new long[] {2}, f64(0.1, -2.5))
                .add("IGNORE", "F32", new long[] {}, f32(Float.NEGATIVE_INFINITY))
                .add("empty", "BOOL", new long[] {0, 0}, new byte[0])
                .bytes();
        SafeTensors st = SafeTensors.fromBytes(file);
        assertArrayEquals(new float[] {1, 0, 1}, st.tensor("mask").data());
        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, 0.5f, 0.33325195f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, -0f}, st.tensor("half").data());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(st.tensor("half").data()[8]));
        assertEquals(Tensor.of(new float[] {1.5f, -3.25f}, 2, 1), st.tensor("brain"));
        assertArrayEquals(new float[] {0.1f, -2.5f}, st.tensor("double").data());
        Tensor ignore = st.tensor("IGNORE");
        assertArrayEquals(new int[0], ignore.shape());
        assertArrayEquals(new float[] {Float.NEGATIVE_INFINITY}, ignore.data());
        assertArrayEquals(new int[] {0, 0}, st.tensor("empty").shape());
        assertEquals(Float.NaN, SafeTensors.fromBytes(new RawSafeTensors().add("nan", "F16", new long[] {1},
                bits16(0x7E00)).bytes()).tensor("nan").data()[0]);
        // a scalar survives writing (as F32) and reading
        assertEquals(ignore, SafeTensors.fromBytes(st.toBytes()).tensor("IGNORE"));
    }

    @Test
    @DisplayName("every F16 bit pattern reads as the value IEEE 754 binary16 gives it")
    void everyHalf() {
        for (int h = 0; h < 0x10000; h++) {
            int exponent = (h >>> 10) & 0x1f;
            int mantissa = h & 0x3ff;
            double expected = exponent == 0 ? mantissa * Math.pow(2, -24)
                    : exponent == 31 ? (mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN)
                    : (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            expected = (h & 0x8000) != 0 ? -expected : expected;
            assertEquals((float) expected, SafeTensors.halfToFloat(h), "0x" + Integer.toHexString(h));
        }
    }

    @Test
    @DisplayName("integer and 8-bit float dtypes are refused, naming the tensor")
    void refused() {
        for (String dtype : List.of("I64", "I32", "I8", "U8", "F8_E4M3")) {
            int width = SafeTensorsValidator.dtypeSize(dtype);
            byte[] file = new RawSafeTensors().add("ok", "F32", new long[] {1}, f32(1))
                    .add("blocks.0.attn.steps", dtype, new long[] {2}, new byte[2 * width]).bytes();
            assertEquals("safetensors: tensor \"blocks.0.attn.steps\" has dtype " + dtype + "; only F32, F16, BF16, F64, "
                    + "BOOL are supported (read as float32)",
                    assertThrows(IllegalArgumentException.class, () -> SafeTensors.fromBytes(file)).getMessage());
        }
    }
}
