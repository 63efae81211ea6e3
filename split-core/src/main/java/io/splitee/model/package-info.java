/**
 * Model packages: loading and validating a package directory (manifest.json, one ONNX file per
 * block and per exit, the fused graph, the shipped sample set and the replay traces) into immutable
 * specs. Owns the package contract and its checks; knows nothing of ONNX Runtime (ONNX files are
 * only hashed and checked to be protobuf ModelProto files). A tensor's element type and shape are the
 * wire format's {@link io.splitee.wire.TensorSpec}, named by a {@link io.splitee.model.NamedTensor}: the
 * model package depends on the wire format, never the other way round.
 *
 * <p>Entry point: {@link io.splitee.model.ModelPackage#load(java.nio.file.Path)}; failures are
 * {@link io.splitee.model.ModelPackageException}s with a code and the file at fault.
 */
package io.splitee.model;
