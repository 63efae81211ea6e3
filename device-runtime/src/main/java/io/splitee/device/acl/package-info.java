/**
 * Who may publish and read which SplitEE topic on a Mosquitto broker: {@link io.splitee.device.acl.FleetAcl}
 * renders the {@code acl_file} for a fleet's names (devices, their sample producers, gateways, applications),
 * as documented in docs/security.md. Printed by {@code splitee-device acl}.
 */
package io.splitee.device.acl;
