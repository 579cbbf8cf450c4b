package org.circuitbook.widgets.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OpsTest {
    private static Tensor m(int rows, int cols, float... values) {
        return Tensor.of(values, rows, cols);
    }

    @Test
    @DisplayName("matmul multiplies [2,3] by [3,2] into the hand-computed [2,2]")
    void matmulKnownValues() {
        Tensor a = m(2, 3, 1, 2, 3, 4, 5, 6);
        Tensor b = m(3, 2, 7, 8, 9, 10, 11, 12);
        Tensor c = Ops.matmul(a, b);
        assertArrayEquals(new int[] {2, 2}, c.shape());
        assertArrayEquals(new float[] {58, 64, 139, 154}, c.data());
    }

    @Test
    @DisplayName("matmul names both shapes when the inner dimensions differ")
    void matmulShapeMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.matmul(Tensor.zeros(2, 3), Tensor.zeros(2, 3)));
        assertEquals("matmul: inner dimensions differ: [2, 3] x [2, 3]", e.getMessage());
    }

    @Test
    @DisplayName("transpose swaps rows and columns")
    void transpose() {
        Tensor t = Ops.transpose(m(2, 3, 1, 2, 3, 4, 5, 6));
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertArrayEquals(new float[] {1, 4, 2, 5, 3, 6}, t.data());
    }

    @Test
    @DisplayName("addBias adds along the last axis of every row")
    void addBias() {
        Tensor t = Ops.addBias(m(2, 2, 1, 2, 3, 4), Tensor.of(new float[] {10, 20}, 2));
        assertArrayEquals(new float[] {11, 22, 13, 24}, t.data());
        assertThrows(IllegalArgumentException.class, () -> Ops.addBias(m(1, 2, 1, 2), Tensor.zeros(3)));
    }

    @Test
    @DisplayName("relu zeroes negatives and keeps the rest, without touching its input")
    void relu() {
        Tensor x = Tensor.of(new float[] {-1, 0, 2.5f, -0.001f}, 4);
        assertArrayEquals(new float[] {0, 0, 2.5f, 0}, Ops.relu(x).data());
        assertArrayEquals(new float[] {-1, 0, 2.5f, -0.001f}, x.data());
    }

    @Test
    @DisplayName("columnNorms is the L2 length of each column")
    void columnNorms() {
        assertArrayEquals(new float[] {5, 0}, Ops.columnNorms(m(2, 2, 3, 0, 4, 0)).data());
    }

    @Test
    @DisplayName("maxAbsDiff reports the largest gap, and NaN as a failure")
    void maxAbsDiff() {
        assertEquals(0.5f, Ops.maxAbsDiff(Tensor.of(new float[] {1, 2}, 2), Tensor.of(new float[] {1.5f, 2}, 2)));
        assertEquals(Float.NaN, Ops.maxAbsDiff(Tensor.of(new float[] {Float.NaN}, 1), Tensor.of(new float[] {0}, 1)));
    }

    @Test
    @DisplayName("a tensor refuses data that does not fit its shape")
    void shapeChecked() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.of(new float[5], 2, 3));
        assertEquals("data has 5 elements but shape [2, 3] needs 6", e.getMessage());
    }
}
