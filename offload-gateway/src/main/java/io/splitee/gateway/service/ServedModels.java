package io.splitee.gateway.service;

import io.splitee.model.ModelPackage;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.ModelCatalog;
import io.splitee.wire.TensorSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every model the gateway serves, side by side: several model ids, and several manifests (versions)
 * of one id. The frame decoder checks each frame against it. Immutable, so thread-safe.
 */
final class ServedModels implements ModelCatalog {
    private final List<ServedModel> all;
    private final Map<String, Map<ManifestHash, ServedModel>> byId = new HashMap<>();

    /**
     * @throws IllegalArgumentException if two packages are the same model id and manifest
     */
    ServedModels(List<ModelPackage> packages) {
        List<ServedModel> list = new ArrayList<>();
        for (ModelPackage p : packages) {
            ServedModel m = new ServedModel(list.size(), p);
            ServedModel clash = byId.computeIfAbsent(m.id, k -> new HashMap<>()).putIfAbsent(m.hash, m);
            if (clash != null) {
                throw new IllegalArgumentException("models: " + clash.pkg.directory() + " and " + p.directory()
                        + " are the same model (id " + m.id + ", manifest " + m.hash.hex() + "); list it once");
            }
            list.add(m);
        }
        this.all = List.copyOf(list);
    }

    List<ServedModel> all() {
        return all;
    }

    /** The served model with this id and manifest, if any. */
    Optional<ServedModel> find(String modelId, ManifestHash manifest) {
        Map<ManifestHash, ServedModel> versions = byId.get(modelId);
        return versions == null ? Optional.empty() : Optional.ofNullable(versions.get(manifest));
    }

    /** Largest tensor, in elements, at any boundary of any served model. */
    int maxTensorElements() {
        int max = 1;
        for (ServedModel m : all) {
            for (TensorSpec t : m.tensorAfterBlock) {
                max = Math.max(max, t.elementCount());
            }
        }
        return max;
    }

    @Override
    public boolean knowsModel(String modelId) {
        return modelId != null && byId.containsKey(modelId);
    }

    @Override
    public boolean knowsManifest(String modelId, ManifestHash manifest) {
        return modelId != null && manifest != null && find(modelId, manifest).isPresent();
    }

    @Override
    public Optional<TensorSpec> expected(String modelId, ManifestHash manifest, int block) {
        if (modelId == null || manifest == null) {
            return Optional.empty();
        }
        return find(modelId, manifest).filter(m -> block >= 0 && block <= m.depth)
                .map(m -> m.tensorAfterBlock.get(block));
    }
}
