/**
 * The book's models, as forward passes over {@link org.circuitbook.widgets.tensor.Tensor}s.
 *
 * <p>Naming follows TransformerLens and the papers, not Java convention: a weight is called {@code W},
 * {@code b_final}, {@code W_E}, {@code W_Q} in the prose, in the SameDiff graph that trains it, in the
 * safetensors file that stores it and in the code that runs it. One name per tensor everywhere lets a
 * reader move between the chapter, the widget and their own Python tools without a dictionary, so
 * tensor-name constants and accessors here deliberately break camelCase. The same holds for the
 * transformer's config fields ({@code n_layers}, {@code d_model}: TransformerLens's
 * {@code HookedTransformerConfig} keys), its hook names ({@code blocks.0.attn.hook_pattern}) and the
 * circuits {@code OV} and {@code QK}.
 *
 * <p>Nothing in this package touches the browser: the generator runs it on the JVM and TeaVM compiles
 * it for the page.
 */
package org.circuitbook.widgets.model;
