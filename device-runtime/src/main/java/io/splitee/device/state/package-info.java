/**
 * Durable daemon state: the engine's snapshot and the cost estimates, saved atomically (temporary file,
 * fsync, rename, fsync of the directory) and restored at start only when the model's manifest hash
 * matches, so a state learnt on one model never steers another.
 */
package io.splitee.device.state;
