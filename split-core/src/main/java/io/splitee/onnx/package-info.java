/**
 * Running model segments: the {@link io.splitee.onnx.SegmentRunner} interface (ranges of blocks,
 * exit heads, the fused graph; single samples and batches), its ONNX Runtime implementation
 * {@link io.splitee.onnx.OrtSegmentRunner} with its {@link io.splitee.onnx.RunnerConfig}, and
 * {@link io.splitee.onnx.Softmax} for confidences. The only package that touches ONNX Runtime;
 * it maps ONNX Runtime's load failures to {@link io.splitee.model.ModelPackageException}s naming
 * the file.
 */
package io.splitee.onnx;
