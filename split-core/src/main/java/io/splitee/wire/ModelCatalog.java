package io.splitee.wire;

import java.util.List;
import java.util.Optional;

/**
 * What the receiver of a frame expects: which models and manifests it serves, and the tensor at
 * each block boundary. Implemented by the model-package code; the {@link FrameDecoder} consults it
 * for every frame before decoding the payload. Implementations must be thread-safe if one catalog
 * is shared by several decoders, and must not throw for any argument.
 */
public interface ModelCatalog {

    /** True if frames for this model id are served at all. */
    boolean knowsModel(String modelId);

    /** True if this exact manifest (SHA-256 of its {@code manifest.json}) of the model is served. */
    boolean knowsManifest(String modelId, ManifestHash manifest);

    /**
     * The tensor that follows {@code block} of the model: {@code block == 0} is the model input
     * (the raw sample), {@code block == i >= 1} is block i's output. Empty if the model, the
     * manifest or the block is unknown.
     */
    Optional<TensorSpec> expected(String modelId, ManifestHash manifest, int block);

    /**
     * A catalog serving one manifest of one model.
     *
     * @param modelId          the manifest's {@code id}
     * @param manifest         SHA-256 of its {@code manifest.json}
     * @param tensorAfterBlock index 0: the input tensor; index i: block i's output tensor
     */
    static ModelCatalog of(String modelId, ManifestHash manifest, List<TensorSpec> tensorAfterBlock) {
        return new FixedCatalog(modelId, manifest, tensorAfterBlock);
    }
}
