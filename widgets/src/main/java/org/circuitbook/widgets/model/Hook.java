package org.circuitbook.widgets.model;

import java.util.function.UnaryOperator;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * A hook point, as TransformerLens's {@code HookPoint}: every intermediate value of a
 * {@link HookedTransformer} run passes through {@link #apply} under its TransformerLens name
 * ({@code "blocks.0.attn.hook_pattern"}), and the run continues with what the hook returns. Returning the
 * value unchanged observes it (an {@link ActivationCache} does that); returning another tensor of the same
 * shape ablates or patches it, the experiments of activation patching (Meng et al. 2022, "Locating and
 * Editing Factual Associations in GPT", section 2.1) and of ablating a head (Olsson et al. 2022,
 * "In-context Learning and Induction Heads").
 *
 * <p>The hook sees the tensor the run will use; it may return it, a new tensor, or (as TransformerLens
 * allows) the same tensor edited in place. A different shape is an error naming the hook point.
 */
@FunctionalInterface
public interface Hook {
    /** Changes nothing: the plain forward pass. */
    Hook IDENTITY = (name, value) -> value;

    /** The value the run continues with at hook point {@code name}, given the value computed there. */
    Tensor apply(String name, Tensor value);

    /** This hook, then {@code next} on what this one returned; e.g. a patch, then a cache of the result. */
    default Hook andThen(Hook next) {
        return (name, value) -> next.apply(name, apply(name, value));
    }

    /** A hook that replaces the value at one hook point by {@code replace(value)} and passes the rest. */
    static Hook at(String hookName, UnaryOperator<Tensor> replace) {
        return (name, value) -> name.equals(hookName) ? replace.apply(value) : value;
    }
}
