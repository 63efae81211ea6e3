/**
 * The SplitEE wire format: the binary tensor frame that carries a raw sample or intermediate
 * features between device and gateway, and the JSON result message that answers it.
 *
 * <p>Owns the byte layout (documented in {@code docs/protocol.md}), the encodings (fp32, fp16,
 * int8 per tensor or per channel, optional deflate) and the validation that every received frame
 * passes before any byte reaches a model runtime. Knows nothing of ONNX Runtime or MQTT: the
 * expectation a frame is checked against comes from a {@link io.splitee.wire.ModelCatalog}.
 *
 * <p>Entry points: {@link io.splitee.wire.FrameEncoder}, {@link io.splitee.wire.FrameDecoder}
 * (failures are a checked {@link io.splitee.wire.FrameException} carrying a
 * {@link io.splitee.wire.FrameError} code) and {@link io.splitee.wire.ResultCodec} for
 * {@link io.splitee.wire.ResultMessage}.
 */
package io.splitee.wire;
