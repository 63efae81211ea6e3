/**
 * Images the demo feeds to a device, besides the IDX3 files {@code io.splitee.model.IdxSamples} reads
 * (the shipped test images, or any other): a folder of PNG/JPEG files
 * ({@link io.splitee.demo.images.ImageFiles}), and the seeded distortions applied to 8-bit pixels
 * ({@link io.splitee.demo.images.Distortion}). Knows nothing of MQTT or the model's tensors.
 */
package io.splitee.demo.images;
