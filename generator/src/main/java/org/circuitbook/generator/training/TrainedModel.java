package org.circuitbook.generator.training;

/**
 * One trained model instance of a spec, as published: its file name under {@code models/SPEC/} and the
 * safetensors bytes (weights, with the spec and training metrics in {@code __metadata__}).
 */
public record TrainedModel(String fileName, byte[] bytes) {
}
