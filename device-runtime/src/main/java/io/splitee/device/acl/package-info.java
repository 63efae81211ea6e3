/**
 * Who may publish and read which SplitEE topic on a Mosquitto broker: {@link io.splitee.device.acl.FleetAcl}
 * holds one rule table for a fleet's names (devices, their sample producers, gateways, applications), as
 * documented in docs/security.md, and renders it as an {@code acl_file} or as the dynamic-security plugin's
 * configuration, whose password hashes come from a {@link io.splitee.device.acl.PasswordFile}. Printed by
 * {@code splitee-device acl}.
 */
package io.splitee.device.acl;
