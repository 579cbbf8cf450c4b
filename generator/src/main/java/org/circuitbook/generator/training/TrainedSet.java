package org.circuitbook.generator.training;

import java.util.ArrayList;
import java.util.List;
import org.circuitbook.generator.output.ContentHash;

/** The trained models of one spec, as read from its cache entry; published under {@code models/NAME/}. */
public record TrainedSet(ModelSpec spec, List<TrainedModel> models) {

    public long totalBytes() {
        return models.stream().mapToLong(m -> m.bytes().length).sum();
    }

    /**
     * The files as the site publishes them, in the spec's order: each under a content-hashed name
     * ({@code models/superposition-5x2/sparsity-0.9.3fa9c2e1b04d.safetensors}), so a browser may cache it for
     * good and a new training run gets a new URL, with its SHA-256 for the page to check the download against.
     */
    public List<PublishedFile> published() {
        return models.stream().map(m -> PublishedFile.of("models/" + spec.name() + "/", m)).toList();
    }

    /**
     * The SAEs among {@code published} ({@link KindSpec#saes()}) in SAELens's on-disk layout, two files each
     * ({@link SaeLensFolder}), in the spec's order: listed in {@code index.json} beside the weights, not read by
     * widgets.
     */
    public List<PublishedFile> saeLens(List<PublishedFile> published) {
        List<PublishedFile> out = new ArrayList<>();
        for (SaeFile sae : spec.settings().saes()) {
            PublishedFile source = published.stream().filter(f -> f.fileName().equals(sae.fileName())).findFirst()
                    .orElseThrow(() -> new IllegalStateException(spec.name() + " declares " + sae.fileName()
                            + " an SAE but publishes no such file (files: " + spec.settings().fileNames() + ")"));
            PublishedFile model = sae.modelFile() == null ? null : published.stream()
                    .filter(f -> f.fileName().equals(sae.modelFile())).findFirst()
                    .orElseThrow(() -> new IllegalStateException(spec.name() + " declares " + sae.fileName()
                            + " reads " + sae.modelFile() + " but publishes no such file"));
            out.addAll(SaeLensFolder.publish(spec, sae, source, model));
        }
        return List.copyOf(out);
    }

    /**
     * One published file: its site-relative URL, the name it had in training (or, for a file made from one, its
     * name relative to {@code models/NAME/}), its SHA-256 and bytes.
     */
    public record PublishedFile(String url, String fileName, byte[] sha256, byte[] bytes) {
        static PublishedFile of(String folder, TrainedModel model) {
            byte[] digest = ContentHash.sha256(model.bytes());
            String stem = model.fileName().substring(0, model.fileName().length() - ".safetensors".length());
            return new PublishedFile(folder + ContentHash.name(stem, digest, ".safetensors"), model.fileName(),
                    digest, model.bytes());
        }

        /** A file published under {@code url} as it is, not content-hashed, listed as {@code fileName}. */
        static PublishedFile at(String url, String fileName, byte[] bytes) {
            return new PublishedFile(url, fileName, ContentHash.sha256(bytes), bytes);
        }

        /** The Subresource Integrity value a page gives {@code fetch}: {@code sha256-BASE64}. */
        public String integrity() {
            return "sha256-" + java.util.Base64.getEncoder().encodeToString(sha256);
        }

        public String sha256Hex() {
            return java.util.HexFormat.of().formatHex(sha256);
        }
    }
}
