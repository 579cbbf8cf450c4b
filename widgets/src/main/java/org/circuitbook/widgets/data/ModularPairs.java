package org.circuitbook.widgets.data;

/**
 * The modular-addition model's train/test split of the p^2 pairs {@code a * p + b}: all pairs in order, shuffled as
 * {@code Collections.shuffle(list, new Random(seed))} shuffles a list (swap position i - 1 with a uniform position
 * below i, for i from p^2 down to 2), the first {@code floor(fraction * p * p)} the train split. Through {@link Lcg}
 * it is the same on the JVM (the trainer) and in the browser (the grokking widget marks the reader's pair), from the
 * spec's {@code train_fraction} and data {@code seed} that every weights file's header holds.
 */
public final class ModularPairs {
    private ModularPairs() {
    }

    /** How many of the p^2 pairs are trained on. */
    public static int trainSize(int p, double fraction) {
        return (int) Math.floor(fraction * p * p);
    }

    /** All p^2 pairs, {@code a * p + b}, in the shuffled order: the train split first. */
    public static int[] shuffled(int p, long seed) {
        int[] pairs = new int[p * p];
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = i;
        }
        Lcg random = new Lcg(seed);
        for (int i = pairs.length; i > 1; i--) {
            int j = random.nextInt(i);
            int t = pairs[i - 1];
            pairs[i - 1] = pairs[j];
            pairs[j] = t;
        }
        return pairs;
    }

    /** Whether each pair {@code a * p + b} is in the train split. */
    public static boolean[] trainMask(int p, double fraction, long seed) {
        int[] order = shuffled(p, seed);
        boolean[] train = new boolean[p * p];
        int n = trainSize(p, fraction);
        for (int i = 0; i < n; i++) {
            train[order[i]] = true;
        }
        return train;
    }
}
