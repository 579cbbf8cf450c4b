package org.circuitbook.widgets.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The synthetic language")
class SyntheticLanguageTest {
    static final SyntheticLanguage.Settings SETTINGS = new SyntheticLanguage.Settings(48, 4, 0.05, 1.0, 8, 16, 0);

    @Test
    @DisplayName("its bigram table: rows sum to 1, 4 preferred successors with 8/15, 4/15, 2/15, 1/15 of 0.95, noise 0.05/48 elsewhere")
    void bigramTable() {
        double[][] p = new SyntheticLanguage(SETTINGS).bigram();
        for (int a = 0; a < 48; a++) {
            double sum = 0;
            int preferred = 0;
            for (int b = 0; b < 48; b++) {
                sum += p[a][b];
                preferred += p[a][b] > 0.05 / 48 + 1e-12 ? 1 : 0;
            }
            assertEquals(1, sum, 1e-12);
            assertEquals(4, preferred, "row " + a);
            assertEquals(0.05 / 48, p[a][a], 1e-15, "a token never prefers itself");
            double top = p[a][new SyntheticLanguage(SETTINGS).likeliestNext(a)];
            assertEquals(0.95 * 8 / 15 + 0.05 / 48, top, 1e-12);
        }
    }

    @Test
    @DisplayName("is fixed by its settings: the same seed gives the same table and samples, another seed another table")
    void deterministic() {
        SyntheticLanguage a = new SyntheticLanguage(SETTINGS);
        SyntheticLanguage b = new SyntheticLanguage(SETTINGS);
        assertArrayEquals(a.bigram(), b.bigram());
        assertArrayEquals(a.sample(new Lcg(3), 33), b.sample(new Lcg(3), 33));
        SyntheticLanguage other = new SyntheticLanguage(new SyntheticLanguage.Settings(48, 4, 0.05, 1.0, 8, 16, 1));
        assertNotEquals(a.likeliestNext(0) * 1000 + a.likeliestNext(1), other.likeliestNext(0) * 1000 + other.likeliestNext(1));
    }

    @Test
    @DisplayName("with repeat probability 1 every sequence holds a segment of 8 to 16 tokens twice; with 0, none is forced")
    void repeats() {
        SyntheticLanguage language = new SyntheticLanguage(SETTINGS);
        Lcg random = new Lcg(7);
        for (int i = 0; i < 200; i++) {
            int[] seq = language.sample(random, 33);
            assertEquals(33, seq.length);
            assertTrue(longestRepeat(seq) >= 8, "sequence " + i + " repeats only " + longestRepeat(seq) + " tokens");
            for (int t : seq) {
                assertTrue(t >= 0 && t < 48);
            }
        }
        SyntheticLanguage plain = new SyntheticLanguage(new SyntheticLanguage.Settings(48, 4, 0.05, 0.0, 8, 16, 0));
        int longRepeats = 0;
        for (int i = 0; i < 200; i++) {
            longRepeats += longestRepeat(plain.sample(random, 33)) >= 8 ? 1 : 0;
        }
        assertTrue(longRepeats < 20, longRepeats + " of 200 bigram walks repeat 8 tokens by chance");
    }

    /** The longest segment that occurs twice without overlapping. */
    static int longestRepeat(int[] seq) {
        int best = 0;
        for (int i = 0; i < seq.length; i++) {
            for (int j = i + 1; j < seq.length; j++) {
                int len = 0;
                while (j + len < seq.length && i + len < j && seq[i + len] == seq[j + len]) {
                    len++;
                }
                best = Math.max(best, len);
            }
        }
        return best;
    }

    @Test
    @DisplayName("a bigram walk follows the table: the likeliest successor of a token comes next about 0.51 of the time")
    void walkFollowsTable() {
        SyntheticLanguage language = new SyntheticLanguage(new SyntheticLanguage.Settings(48, 4, 0.05, 0.0, 8, 16, 0));
        Lcg random = new Lcg(11);
        int hits = 0;
        int total = 0;
        for (int i = 0; i < 2000; i++) {
            int[] seq = language.sample(random, 33);
            for (int t = 0; t + 1 < seq.length; t++) {
                hits += seq[t + 1] == language.likeliestNext(seq[t]) ? 1 : 0;
                total++;
            }
        }
        double expected = 0.95 * 8 / 15 + 0.05 / 48; // 0.5077
        assertEquals(expected, (double) hits / total, 0.01);
    }

    @Test
    @DisplayName("repeatedRandom: n uniformly random tokens, then the same n again")
    void repeatedRandom() {
        int[] seq = SyntheticLanguage.repeatedRandom(new Lcg(1), 48, 16);
        assertEquals(32, seq.length);
        for (int t = 16; t < 32; t++) {
            assertEquals(seq[t - 16], seq[t]);
        }
    }

    @Test
    @DisplayName("token names: distinct, pronounceable syllables (ba, be, ... zu, then two syllables)")
    void tokenNames() {
        assertEquals("ba", SyntheticLanguage.tokenName(0));
        assertEquals("be", SyntheticLanguage.tokenName(1));
        assertEquals("zu", SyntheticLanguage.tokenName(69));
        assertEquals("baba", SyntheticLanguage.tokenName(70));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            names.add(SyntheticLanguage.tokenName(i));
        }
        assertEquals(500, names.size());
    }

    @Test
    @DisplayName("bad settings are refused with the range they must be in")
    void badSettings() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticLanguage.Settings(48, 48, 0.05, 0.5, 4, 16, 0));
        assertEquals("successors must be in [1, vocab - 1 = 47], got 48", e.getMessage());
    }
}
