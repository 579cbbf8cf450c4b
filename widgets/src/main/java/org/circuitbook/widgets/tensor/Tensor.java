package org.circuitbook.widgets.tensor;

import java.util.Arrays;

/**
 * A dense float tensor: a flat row-major {@code float[]} plus a shape.
 *
 * <p>This is the reference implementation every faster path is tested against, so it stays naive and
 * readable. It runs unchanged on the JVM (the generator's parity check and static figures) and in the
 * browser (compiled by TeaVM), so it uses no reflection, regex or formatting.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /** Wraps {@code data} (not copied) as a tensor of the given shape; the sizes must agree. */
    public static Tensor of(float[] data, int... shape) {
        int size = sizeOf(shape);
        if (data.length != size) {
            throw new IllegalArgumentException("data has " + data.length + " elements but shape "
                    + Arrays.toString(shape) + " needs " + size);
        }
        return new Tensor(data, shape.clone());
    }

    /** A tensor of zeros of the given shape. */
    public static Tensor zeros(int... shape) {
        return new Tensor(new float[sizeOf(shape)], shape.clone());
    }

    static int sizeOf(int[] shape) {
        int size = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            size *= d;
        }
        return size;
    }

    public int rank() {
        return shape.length;
    }

    /** The size of dimension {@code axis}; negative axes count from the end. */
    public int dim(int axis) {
        return shape[axis < 0 ? shape.length + axis : axis];
    }

    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return data.length;
    }

    /** The backing array, row-major; writes are visible in the tensor. */
    public float[] data() {
        return data;
    }

    /** Element {@code [i]} of a rank-1 tensor. */
    public float get(int i) {
        requireRank(1);
        return data[i];
    }

    /** Element {@code [i, j]} of a rank-2 tensor. */
    public float get(int i, int j) {
        requireRank(2);
        return data[i * shape[1] + j];
    }

    /** Element {@code [i, j, k]} of a rank-3 tensor. */
    public float get(int i, int j, int k) {
        requireRank(3);
        return data[(i * shape[1] + j) * shape[2] + k];
    }

    /** Sets element {@code [i, j]} of a rank-2 tensor. */
    public void set(int i, int j, float value) {
        requireRank(2);
        data[i * shape[1] + j] = value;
    }

    /**
     * Entry {@code i} along the first axis, like {@code t[i]} in NumPy: [n, a, b, ...] -> [a, b, ...], copied.
     * Picks one head's matrix out of a weight stacked over heads, e.g. {@code W_Q[h]}.
     */
    public Tensor index(int i) {
        if (shape.length == 0 || i < 0 || i >= shape[0]) {
            throw new IllegalArgumentException("index " + i + " is outside the first axis of shape "
                    + Arrays.toString(shape));
        }
        int[] rest = Arrays.copyOfRange(shape, 1, shape.length);
        int size = sizeOf(rest);
        float[] out = new float[size];
        System.arraycopy(data, i * size, out, 0, size);
        return new Tensor(out, rest);
    }

    /** The same data viewed with another shape of equal size (shares the array). */
    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone());
    }

    void requireRank(int rank) {
        if (shape.length != rank) {
            throw new IllegalArgumentException("expected a rank-" + rank + " tensor, got shape "
                    + Arrays.toString(shape));
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && Arrays.equals(shape, t.shape) && Arrays.equals(data, t.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape);
    }
}
