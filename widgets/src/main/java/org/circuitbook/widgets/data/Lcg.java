package org.circuitbook.widgets.data;

/**
 * The pseudo-random generator specified by {@code java.util.Random}'s documentation (a 48-bit linear
 * congruential generator: multiplier 0x5DEECE66D, increment 11), for the methods the synthetic data
 * needs. Given the same seed it returns exactly what {@code java.util.Random} returns on the JVM, and,
 * unlike TeaVM's {@code java.util.Random} (which ignores seeds and calls {@code Math.random()}), it does
 * the same in the browser: the build and a widget regenerate the same language and sequences, and the same SAE evaluation
 * batches.
 */
public final class Lcg {
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long MASK = (1L << 48) - 1;
    private long state;

    public Lcg(long seed) {
        state = (seed ^ MULTIPLIER) & MASK;
    }

    private int next(int bits) {
        state = (state * MULTIPLIER + 0xBL) & MASK;
        return (int) (state >>> (48 - bits));
    }

    /** Uniform in [0, bound), as {@code java.util.Random.nextInt(int)}. */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        if ((bound & -bound) == bound) { // a power of two: the high bits
            return (int) ((bound * (long) next(31)) >> 31);
        }
        int bits;
        int value;
        do {
            bits = next(31);
            value = bits % bound;
        } while (bits - value + (bound - 1) < 0); // reject the uneven tail
        return value;
    }

    private double nextGaussian = Double.NaN; // the polar method makes two at a time

    /** Standard normal, by the polar method, as {@code java.util.Random.nextGaussian()}. */
    public double nextGaussian() {
        if (!Double.isNaN(nextGaussian)) {
            double g = nextGaussian;
            nextGaussian = Double.NaN;
            return g;
        }
        double v1;
        double v2;
        double s;
        do {
            v1 = 2 * nextDouble() - 1;
            v2 = 2 * nextDouble() - 1;
            s = v1 * v1 + v2 * v2;
        } while (s >= 1 || s == 0);
        double multiplier = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
        nextGaussian = v2 * multiplier;
        return v1 * multiplier;
    }

    /** Uniform in [0, 1) with 24 random bits, as {@code java.util.Random.nextFloat()}. */
    public float nextFloat() {
        return next(24) / (float) (1 << 24);
    }

    /** Uniform in [0, 1) with 53 random bits, as {@code java.util.Random.nextDouble()}. */
    public double nextDouble() {
        return (((long) next(26) << 27) + next(27)) * 0x1.0p-53;
    }
}
