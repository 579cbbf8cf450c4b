package org.circuitbook.generator.training;

/**
 * A published weights file that is a sparse autoencoder of SAELens's standard architecture (tensors {@code W_enc}
 * [d_in, d_sae], {@code b_enc}, {@code W_dec} [d_sae, d_in], {@code b_dec}, ReLU latents, b_dec subtracted from the
 * input), as a kind declares it ({@link KindSpec#saes()}): the build also publishes it in SAELens's on-disk layout
 * ({@link SaeLensFolder}), so that {@code SAE.load_from_disk} loads it.
 *
 * @param fileName  the file's name in training, one of {@link KindSpec#fileNames()}
 * @param dIn       the width of the activations it reads (checked against {@code W_enc} when it is published)
 * @param hookName  what it reads, SAELens's {@code metadata.hook_name}: a TransformerLens hook name
 *                  ({@code blocks.0.hook_resid_post}) for an SAE on a transformer, or a name saying what else it
 *                  reads ({@code toy_features}) where no model produced the activations
 * @param modelFile the file of the same spec holding the model whose activations it reads ({@code final.safetensors}),
 *                  or null where no model produced them; SAELens's {@code metadata.model_name} is then the spec's
 *                  name (null without a model)
 */
public record SaeFile(String fileName, int dIn, String hookName, String modelFile) {
}
