package io.splitee.wire;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One model, one manifest, fixed block shapes. */
record FixedCatalog(String modelId, ManifestHash manifest, List<TensorSpec> tensorAfterBlock) implements ModelCatalog {

    FixedCatalog {
        Ids.nameProblem(modelId).ifPresent(p -> {
            throw new IllegalArgumentException("modelId " + p);
        });
        Objects.requireNonNull(manifest, "manifest");
        tensorAfterBlock = List.copyOf(tensorAfterBlock);
        if (tensorAfterBlock.isEmpty()) {
            throw new IllegalArgumentException("tensorAfterBlock: needs at least the input tensor (index 0)");
        }
        if (tensorAfterBlock.size() > Frame.MAX_BLOCK + 1) {
            throw new IllegalArgumentException("tensorAfterBlock: at most " + (Frame.MAX_BLOCK + 1) + " entries");
        }
    }

    @Override
    public boolean knowsModel(String id) {
        return modelId.equals(id);
    }

    @Override
    public boolean knowsManifest(String id, ManifestHash hash) {
        return knowsModel(id) && manifest.equals(hash);
    }

    @Override
    public Optional<TensorSpec> expected(String id, ManifestHash hash, int block) {
        if (!knowsManifest(id, hash) || block < 0 || block >= tensorAfterBlock.size()) {
            return Optional.empty();
        }
        return Optional.of(tensorAfterBlock.get(block));
    }
}
