#!/bin/sh
# Runs a command as the unit's restrictions would, without systemd: to be started by `unshare --mount` as root.
# Usage: restricted.sh ROOT CONFIG COMMAND...   (ROOT: a tree with usr/share/splitee from the packages)
# ProtectSystem=strict: every mount read-only but the state and cache directories (fresh tmpfs here);
# PrivateTmp=yes: a fresh /tmp; ProtectProc=invisible: a /proc that hides other users' processes;
# User=: nobody (not splitee, which exists only while the packages are installed); CapabilityBoundingSet= and
# AmbientCapabilities= empty; NoNewPrivileges=yes. Not emulated: the system call filter, the address families,
# the namespace restriction, the device policy, MemoryMax and the watchdog (docs/install.md).
set -eu
root=$1; config=$2; shift 2

mount --make-rprivate /
# the package's files, readable by the service user wherever the checkout is
mount -t tmpfs -o mode=0755,size=128m tmpfs /mnt
mkdir -p /mnt/splitee
cp -r "$root/usr/share/splitee/." /mnt/splitee/
cp "$config" /mnt/splitee/device.properties
chmod -R a+rX /mnt/splitee
# StateDirectory=splitee (0750), CacheDirectory=splitee-device (0700), owned by the service user
mount -t tmpfs -o mode=0755,size=16m tmpfs /var/lib
mount -t tmpfs -o mode=0755,size=128m tmpfs /var/cache
mkdir -m 0750 /var/lib/splitee
mkdir -m 0700 /var/cache/splitee-device
chown nobody:nogroup /var/lib/splitee /var/cache/splitee-device
# ProtectSystem=strict
for mp in $(awk '{print $5}' /proc/self/mountinfo | sort -u); do
    case "$mp" in /var/lib|/var/cache|/proc|/proc/*|/sys|/sys/*|/dev|/dev/*) continue ;; esac
    mount -o remount,bind,ro "$mp" 2>/dev/null || true
done
for probe in /etc /usr /mnt/splitee "$root"; do
    if touch "$probe/.splitee-write-probe" 2>/dev/null; then
        rm -f "$probe/.splitee-write-probe"
        echo "restricted.sh: $probe is still writable" >&2
        exit 97
    fi
done
# PrivateTmp=yes, ProtectProc=invisible
mount -t tmpfs -o mode=1777,size=64m tmpfs /tmp
mount -t proc -o hidepid=invisible proc /proc
exec setpriv --reuid=nobody --regid=nogroup --clear-groups --bounding-set=-all --inh-caps=-all --no-new-privs -- "$@"
