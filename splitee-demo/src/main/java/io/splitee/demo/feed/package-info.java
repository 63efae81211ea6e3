/**
 * The demo's two MQTT clients that stand for an application: {@link io.splitee.demo.feed.SamplePublisher}
 * streams samples to a device's samples topic at a steady rate (sample frames built from 8-bit images, or
 * PNG/JPEG files as they are, see {@link io.splitee.demo.feed.Samples}), and
 * {@link io.splitee.demo.feed.ResultListener} subscribes to the device's results topic and keeps every
 * answer. Knows nothing of the engine or the report.
 */
package io.splitee.demo.feed;
