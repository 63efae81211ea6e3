/**
 * The {@code splitee-demo} command line ({@link io.splitee.demo.DemoMain}): {@code demo} runs the whole
 * system in one process on the shipped test images (embedded broker, gateway, device daemon behind an
 * emulated link, publisher, results subscriber) and writes a report; {@code report} makes the same
 * report from a trace or from a file of collected answers; {@code publish} feeds any device.
 */
package io.splitee.demo;
