/**
 * Images the demo feeds to a device: the shipped test images or any gzip IDX file
 * ({@link io.splitee.demo.images.IdxImages}), a folder of PNG/JPEG files
 * ({@link io.splitee.demo.images.ImageFiles}), and the seeded distortions applied to 8-bit pixels
 * ({@link io.splitee.demo.images.Distortion}). Knows nothing of MQTT or the model's tensors.
 */
package io.splitee.demo.images;
