/**
 * Tests of the Debian packages and the systemd units: the packages' contents and control files
 * ({@link DebPackagesIT}), the units' verification and hardening score ({@link SystemdUnitsIT}), install and
 * purge with dpkg ({@link DebInstallIT}, as root only) and the daemon under the unit's restrictions without
 * systemd ({@link HardenedDaemonIT}, as root only).
 */
package io.splitee.packaging;
