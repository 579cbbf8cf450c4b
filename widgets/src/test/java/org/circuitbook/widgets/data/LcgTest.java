package org.circuitbook.widgets.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Lcg")
class LcgTest {
    @Test
    @DisplayName("draws exactly what java.util.Random draws from the same seed (nextInt for any bound, nextDouble, nextFloat, nextGaussian)")
    void matchesJavaUtilRandom() {
        int[] bounds = {1, 2, 3, 7, 16, 48, 64, 100, 1 << 30, Integer.MAX_VALUE};
        for (long seed : new long[] {0, 1, 42, -7, 0x5eed_e7a1L, Long.MAX_VALUE}) {
            Random jdk = new Random(seed);
            Lcg ours = new Lcg(seed);
            for (int i = 0; i < 20_000; i++) {
                if (i % 5 == 4) {
                    assertEquals(jdk.nextFloat(), ours.nextFloat(), "seed " + seed + ", draw " + i);
                } else if (i % 7 == 6) {
                    assertEquals(jdk.nextGaussian(), ours.nextGaussian(), "seed " + seed + ", draw " + i);
                } else if (i % 3 == 2) {
                    assertEquals(jdk.nextDouble(), ours.nextDouble(), "seed " + seed + ", draw " + i);
                } else {
                    int bound = bounds[i % bounds.length];
                    assertEquals(jdk.nextInt(bound), ours.nextInt(bound), "seed " + seed + ", draw " + i + ", bound " + bound);
                }
            }
        }
    }
}
