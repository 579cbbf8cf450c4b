package org.circuitbook.widgets.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Modular-addition pairs")
class ModularPairsTest {
    @Test
    @DisplayName("the shuffle is Collections.shuffle's with java.util.Random (the trainer's split)")
    void sameAsCollectionsShuffle() {
        for (int p : new int[] {3, 11, 23, 59, 113}) {
            for (long seed : new long[] {0, 1, 42, -7, 123456789L}) {
                List<Integer> pairs = new ArrayList<>();
                for (int i = 0; i < p * p; i++) {
                    pairs.add(i);
                }
                Collections.shuffle(pairs, new Random(seed));
                assertArrayEquals(pairs.stream().mapToInt(Integer::intValue).toArray(), ModularPairs.shuffled(p, seed),
                        "p = " + p + ", seed " + seed);
            }
        }
    }

    @Test
    @DisplayName("the book's model (p = 59, 30%, seed 0): 1044 train pairs; (0, 1) is one, (12, 30) and (1, 15) are not")
    void book() {
        boolean[] train = ModularPairs.trainMask(59, 0.3, 0);
        int n = 0;
        for (boolean t : train) {
            n += t ? 1 : 0;
        }
        assertEquals(1044, n);
        assertEquals(1044, ModularPairs.trainSize(59, 0.3));
        assertTrue(train[1], "(0, 1) is a training pair");
        assertFalse(train[12 * 59 + 30], "the widget's first pair is a test pair");
        assertFalse(train[59 + 15], "chapter 7's Try it: 1 + 15 is a test pair");
    }
}
