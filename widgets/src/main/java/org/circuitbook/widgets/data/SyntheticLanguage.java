package org.circuitbook.widgets.data;

/**
 * A small synthetic language with real bigram structure and repeated segments: the data of the book's
 * attention-only transformers (zero, one and two layers), as in Elhage et al. (2021), "A Mathematical
 * Framework for Transformer Circuits", where a zero-layer model can only learn bigram statistics, a
 * one-layer attention-only model adds skip-trigrams, and a two-layer one can form induction heads
 * (Olsson et al. 2022, "In-context Learning and Induction Heads") that complete repeated text.
 *
 * <p>The language is fixed by its settings alone, so the build and a widget in the browser regenerate the
 * same one (randomness comes from {@link Lcg}, which gives the same numbers on the JVM and under TeaVM):
 * <ul>
 *   <li><b>Bigrams.</b> Each token has {@code successors} preferred next tokens (distinct, never itself),
 *       drawn by the seed, with probabilities halving down the list (1/2, 1/4, ... renormalised); a share
 *       {@code noise} of the probability is spread evenly over the whole vocabulary, so every transition
 *       can happen. {@link #bigram()} is that exact table.
 *   <li><b>Repeats.</b> A sequence is a walk of the bigram chain. With probability
 *       {@code repeatProbability} it also holds a "name": a segment of uniformly random tokens (length
 *       {@code segmentMin..segmentMax}, at most half the sequence) that occurs once and then again, verbatim,
 *       later on; the walk resumes after each occurrence. A name's first occurrence is unpredictable; in
 *       its second, each next token is certain to a reader who looks back for where the current token
 *       appeared before, and nearly unguessable to one who knows only the bigrams: the incentive for
 *       induction heads.
 * </ul>
 * Tokens have pronounceable names ({@link #tokenName}) so that token-by-token circuit tables read as text.
 */
public final class SyntheticLanguage {
    private static final String CONSONANTS = "bdfgklmnprstvz";
    private static final String VOWELS = "aeiou";

    private final Settings settings;
    private final double[][] bigram;
    private final double[][] cumulative;

    /**
     * @param vocab             tokens, at least 2
     * @param successors        preferred next tokens of each token, 1 to vocab - 1
     * @param noise             share of each row spread evenly over all tokens, in [0, 1]
     * @param repeatProbability chance that a sequence contains a copied segment, in [0, 1]
     * @param segmentMin        shortest copied segment, at least 1
     * @param segmentMax        longest copied segment, at least segmentMin
     * @param seed              draws the preferred successors
     */
    public record Settings(int vocab, int successors, double noise, double repeatProbability, int segmentMin,
                           int segmentMax, long seed) {
        public Settings {
            if (vocab < 2) {
                throw new IllegalArgumentException("vocab must be at least 2, got " + vocab);
            }
            if (successors < 1 || successors >= vocab) {
                throw new IllegalArgumentException("successors must be in [1, vocab - 1 = " + (vocab - 1) + "], got "
                        + successors);
            }
            if (!(noise >= 0 && noise <= 1) || !(repeatProbability >= 0 && repeatProbability <= 1)) {
                throw new IllegalArgumentException("noise and repeat probability must be in [0, 1], got " + noise
                        + " and " + repeatProbability);
            }
            if (segmentMin < 1 || segmentMax < segmentMin) {
                throw new IllegalArgumentException("segment lengths need 1 <= min <= max, got " + segmentMin + ".."
                        + segmentMax);
            }
        }
    }

    public SyntheticLanguage(Settings settings) {
        this.settings = settings;
        int v = settings.vocab();
        Lcg random = new Lcg(settings.seed());
        bigram = new double[v][v];
        cumulative = new double[v][v];
        double weightSum = 0;
        for (int i = 0; i < settings.successors(); i++) {
            weightSum += Math.pow(0.5, i + 1);
        }
        for (int a = 0; a < v; a++) {
            int[] others = new int[v - 1];
            for (int b = 0, j = 0; b < v; b++) {
                if (b != a) {
                    others[j++] = b;
                }
            }
            for (int b = 0; b < v; b++) {
                bigram[a][b] = settings.noise() / v;
            }
            for (int i = 0; i < settings.successors(); i++) {             // partial Fisher-Yates shuffle
                int pick = i + random.nextInt(others.length - i);
                int b = others[pick];
                others[pick] = others[i];
                others[i] = b;
                bigram[a][b] += (1 - settings.noise()) * Math.pow(0.5, i + 1) / weightSum;
            }
            double running = 0;
            for (int b = 0; b < v; b++) {
                running += bigram[a][b];
                cumulative[a][b] = running;
            }
        }
    }

    /**
     * The language a weights file was trained on, from its {@code __metadata__["language"]} JSON (the
     * settings the build wrote next to the token names).
     */
    public static SyntheticLanguage fromJson(String json) {
        java.util.Map<?, ?> m = (java.util.Map<?, ?>) org.circuitbook.widgets.weights.Json.parse(json);
        return new SyntheticLanguage(new Settings(number(m, "vocab").intValue(), number(m, "successors").intValue(),
                number(m, "noise").doubleValue(), number(m, "repeat_probability").doubleValue(),
                number(m, "segment_min").intValue(), number(m, "segment_max").intValue(), number(m, "seed").longValue()));
    }

    private static Number number(java.util.Map<?, ?> map, String key) {
        Object v = map.get(key);
        if (!(v instanceof Number)) {
            throw new IllegalArgumentException("language metadata has no number \"" + key + "\"");
        }
        return (Number) v;
    }

    public Settings settings() {
        return settings;
    }

    public int vocab() {
        return settings.vocab();
    }

    /** The true next-token distribution: {@code bigram()[a][b]} = P(next = b | current = a); rows sum to 1. */
    public double[][] bigram() {
        double[][] copy = new double[bigram.length][];
        for (int a = 0; a < bigram.length; a++) {
            copy[a] = bigram[a].clone();
        }
        return copy;
    }

    /** The most likely next token after {@code a}. */
    public int likeliestNext(int a) {
        int best = 0;
        for (int b = 1; b < bigram[a].length; b++) {
            if (bigram[a][b] > bigram[a][best]) {
                best = b;
            }
        }
        return best;
    }

    /** A sequence of {@code length} tokens, drawn with {@code random}: a bigram walk, maybe with a repeated name. */
    public int[] sample(Lcg random, int length) {
        int[] tokens = new int[length];
        tokens[0] = random.nextInt(vocab());
        walk(random, tokens, 1);
        int longest = Math.min(settings.segmentMax(), length / 2);
        if (longest >= settings.segmentMin() && random.nextDouble() < settings.repeatProbability()) {
            int len = settings.segmentMin() + random.nextInt(longest - settings.segmentMin() + 1);
            int from = random.nextInt(length - 2 * len + 1);                  // source [from, from + len)
            int to = from + len + random.nextInt(length - len - (from + len) + 1); // copy [to, to + len)
            for (int t = from; t < from + len; t++) {
                tokens[t] = random.nextInt(vocab());
            }
            walk(random, tokens, from + len);
            System.arraycopy(tokens, from, tokens, to, len);
            walk(random, tokens, to + len);
        }
        return tokens;
    }

    private void walk(Lcg random, int[] tokens, int start) {
        for (int t = start; t < tokens.length; t++) {
            double u = random.nextDouble();
            double[] row = cumulative[tokens[t - 1]];
            int b = 0;
            while (b < row.length - 1 && u >= row[b]) {
                b++;
            }
            tokens[t] = b;
        }
    }

    /**
     * The standard induction probe: {@code half} uniformly random tokens, then the same tokens again
     * (Olsson et al. 2022). A model that has learnt to complete repeats predicts the second half far better
     * than the first, which no statistics can predict.
     */
    public static int[] repeatedRandom(Lcg random, int vocab, int half) {
        int[] tokens = new int[2 * half];
        for (int t = 0; t < half; t++) {
            tokens[t] = random.nextInt(vocab);
            tokens[t + half] = tokens[t];
        }
        return tokens;
    }

    /** The names of tokens 0 to {@code vocab - 1}, by id. */
    public static String[] tokenNames(int vocab) {
        String[] names = new String[vocab];
        for (int i = 0; i < vocab; i++) {
            names[i] = tokenName(i);
        }
        return names;
    }

    /**
     * The name of token {@code id}: a consonant-vowel syllable ("ba", "be", ... "zu": 70 of them), with a
     * second syllable after the first 70 ({@code id} 70 is "baba").
     */
    public static String tokenName(int id) {
        int syllables = CONSONANTS.length() * VOWELS.length();
        StringBuilder name = new StringBuilder();
        int rest = id;
        do {
            int s = rest % syllables;
            name.append(CONSONANTS.charAt(s / VOWELS.length())).append(VOWELS.charAt(s % VOWELS.length()));
            rest = rest / syllables - 1;
        } while (rest >= 0);
        return name.toString();
    }
}
