package org.circuitbook.widgets.data;

/**
 * The book's probe sequences for previous-token and induction scores, the standard probe of Olsson et al. (2022),
 * "In-context Learning and Induction Heads": {@value #COUNT} sequences of {@code n_ctx / 2} uniformly random tokens
 * followed by the same tokens again ({@link SyntheticLanguage#repeatedRandom}), drawn by {@link Lcg} from the
 * language's seed xor {@link #SALT}. The attention-only trainer records its metrics on them ({@code
 * previous_token_scores}, {@code induction_scores}, {@code repeated_first_half_loss}, {@code
 * repeated_second_half_loss}) and the attention-patterns widget scores the heads on them, from the language's
 * {@code seed} and {@code vocab} and the model's {@code n_ctx} that every weights file's header holds: the same
 * sequences on the JVM and in the browser, so the widget's scores are the numbers the chapters quote.
 */
public final class InductionProbes {
    /** How many probe sequences. */
    public static final int COUNT = 64;
    /** Mixed into the language's seed, so the probes are not the language's own random stream. */
    public static final long SALT = 0x5eed_9b0bL;

    private InductionProbes() {
    }

    /** The probes: {@value #COUNT} sequences of {@code nCtx / 2} random tokens below {@code vocab}, each repeated once. */
    public static int[][] sequences(long languageSeed, int vocab, int nCtx) {
        Lcg random = new Lcg(languageSeed ^ SALT);
        int[][] repeated = new int[COUNT][];
        for (int i = 0; i < repeated.length; i++) {
            repeated[i] = SyntheticLanguage.repeatedRandom(random, vocab, nCtx / 2);
        }
        return repeated;
    }
}
