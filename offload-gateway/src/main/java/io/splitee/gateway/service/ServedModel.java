package io.splitee.gateway.service;

import io.splitee.model.ModelPackage;
import io.splitee.wire.ManifestHash;
import io.splitee.wire.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One model package the gateway serves, as the wire identifies it: model id and manifest SHA-256.
 * Identity equality (there is one instance per served package), so it can key batches cheaply.
 */
final class ServedModel {
    final int index;
    final ModelPackage pkg;
    final String id;
    final String version;
    final ManifestHash hash;
    final int depth;
    final int classes;
    final List<String> labels;
    /** Index 0: the input tensor; index i: block i's output. */
    final List<TensorSpec> tensorAfterBlock;

    ServedModel(int index, ModelPackage pkg) {
        this.index = index;
        this.pkg = pkg;
        this.id = pkg.manifest().id();
        this.version = pkg.manifest().version();
        this.hash = new ManifestHash(pkg.manifestSha256Bytes());
        this.depth = pkg.depth();
        this.labels = pkg.labels();
        this.classes = labels.size();
        List<TensorSpec> t = new ArrayList<>();
        for (int b = 0; b <= depth; b++) {
            t.add(TensorSpec.float32(pkg.boundaryShape(b)));
        }
        this.tensorAfterBlock = List.copyOf(t);
    }

    @Override
    public String toString() {
        return id + " " + version + " (manifest " + hash.hex().substring(0, 12) + ")";
    }
}
