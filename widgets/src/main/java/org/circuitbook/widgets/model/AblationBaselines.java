package org.circuitbook.widgets.model;

import org.circuitbook.widgets.data.Lcg;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * What an ablation puts in place of an activation (Heimersheim and Nanda 2024, "How to use and interpret activation
 * patching", section 2; Zhang and Nanda 2023, "Towards Best Practices of Activation Patching in Language Models"):
 * <ul>
 *   <li>zero ablation: zeros, a value the model may never have seen;
 *   <li>mean ablation: the activation's mean, position by position, over a fixed batch of {@link #BATCH} prompts of the
 *       same task (Wang et al. 2022, "Interpretability in the Wild", section 3.1), which removes what is specific to
 *       the prompt and keeps what every prompt of the task shares;
 *   <li>resample ablation: the activation on one other random prompt of the task, with a fixed seed (Chan et al.
 *       2022, "Causal Scrubbing"): a value the model does see, carrying another prompt's information.
 * </ul>
 * The task's prompts are {@link ActivationPatching#inductionPrompts} of the clean prompt's length (their clean halves),
 * drawn from {@link #SEED}; each baseline is a whole {@link ActivationCache}, so any hook point can read it.
 */
public final class AblationBaselines {
    /** The mean's batch size. */
    public static final int BATCH = 16;
    /** The seed of the task's prompts (the resampled prompt is the first one after the batch). */
    public static final long SEED = 17;

    private final HookedTransformer model;
    private final int length;
    private final ActivationCache mean = new ActivationCache();
    private final ActivationCache resample;
    private final int[] resampled;

    /** The baselines of prompts of {@code length} tokens: BATCH + 1 forward passes. */
    public AblationBaselines(HookedTransformer model, int length) {
        this.model = model;
        this.length = length;
        Lcg random = new Lcg(SEED);
        ActivationCache sum = null;
        for (int b = 0; b < BATCH; b++) {
            ActivationCache run = model.runWithCache(taskPrompt(random, model, length));
            if (sum == null) {
                sum = new ActivationCache();
                for (String name : run.names()) {
                    sum.apply(name, Tensor.zeros(run.get(name).shape()));
                }
            }
            for (String name : run.names()) {
                float[] s = sum.get(name).data();
                float[] x = run.get(name).data();
                for (int i = 0; i < s.length; i++) {
                    s[i] += x[i];
                }
            }
        }
        for (String name : sum.names()) {
            Tensor t = sum.get(name).copy();
            for (int i = 0; i < t.size(); i++) {
                t.data()[i] /= BATCH;
            }
            mean.apply(name, t);
        }
        resampled = taskPrompt(random, model, length);
        resample = model.runWithCache(resampled);
    }

    /** One prompt of the task with {@code length} tokens: the clean half of {@link ActivationPatching#inductionPrompts}. */
    static int[] taskPrompt(Lcg random, HookedTransformer model, int length) {
        int vocab = model.cfg().d_vocab();
        int half = Math.min(10, model.cfg().n_ctx() / 2);
        int cut = length - half - 1;
        if (cut < 0 || cut + 1 >= half) { // a length the default's half cannot make: the shortest half that can
            half = length / 2 + 1;
            cut = length - half - 1;
        }
        if (length >= 3 && half + 1 <= vocab) {
            return ActivationPatching.inductionPrompts(random, vocab, half, cut).clean();
        }
        int[] tokens = new int[length]; // too short (or the vocabulary too small) for a repeat: random tokens
        for (int i = 0; i < length; i++) {
            tokens[i] = random.nextInt(vocab);
        }
        return tokens;
    }

    /** Whether these are the baselines for prompts of {@code length} tokens on {@code model}. */
    public boolean fits(HookedTransformer model, int length) {
        return this.model == model && this.length == length;
    }

    /** The mean activations over the batch, by hook name. */
    public ActivationCache mean() {
        return mean;
    }

    /** The resampled prompt's activations, by hook name. */
    public ActivationCache resample() {
        return resample;
    }

    /** The resampled prompt's tokens. */
    public int[] resampledPrompt() {
        return resampled.clone();
    }
}
