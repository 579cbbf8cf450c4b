package org.circuitbook.widgets.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.circuitbook.widgets.tensor.Tensor;

/**
 * Every activation of one run, by TransformerLens hook name, in the order the run computed them: what
 * TransformerLens's {@code run_with_cache} returns. It is itself a {@link Hook} that records and changes
 * nothing, so {@code model.forward(tokens, cache)} gives the logits and fills the cache in one run, and
 * {@code patch.andThen(cache)} records what a patched run saw. Use a fresh cache per run: a second run
 * overwrites the first's values.
 *
 * <p>Shapes, for one sequence (no batch axis): see {@link HookedTransformer}.
 */
public final class ActivationCache implements Hook {
    private final Map<String, Tensor> activations = new LinkedHashMap<>();

    /** Records {@code value} under {@code name} and returns it unchanged. */
    @Override
    public Tensor apply(String name, Tensor value) {
        activations.put(name, value);
        return value;
    }

    /** The activation at hook point {@code name}; throws naming the hook points the run went through. */
    public Tensor get(String name) {
        Tensor t = activations.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no activation \"" + name + "\" in the cache (has: "
                    + String.join(", ", activations.keySet()) + ")");
        }
        return t;
    }

    public boolean contains(String name) {
        return activations.containsKey(name);
    }

    /** The hook names, in the order the run reached them. */
    public Set<String> names() {
        return Collections.unmodifiableSet(activations.keySet());
    }

    /** Name to activation, in run order (read-only). */
    public Map<String, Tensor> asMap() {
        return Collections.unmodifiableMap(activations);
    }

    public int size() {
        return activations.size();
    }
}
