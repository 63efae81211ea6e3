/**
 * Turning what arrives on a samples topic into pixels: PNG and JPEG images (by MQTT content type)
 * decoded, converted to the model's colour mode and resized to its input size. Knows no MQTT and no ONNX.
 */
package io.splitee.device.ingest;
