#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fix --in-place where the write must fail: on a read-only file system
# and on a full one (small tmpfs mounts in a private mount namespace), with
# and without --backup.  fix reports the error with exit 2, the original
# file is byte-identical afterwards, and no temporary file is left behind.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Mounts need root and a mount namespace of our own; re-run inside one so
# that nothing is ever mounted on the host.
if [ -z "${HT_IN_NAMESPACE:-}" ]; then
    if [ "$(id -u)" -ne 0 ] || ! unshare --mount true 2>/dev/null; then
        ht_skip_all "needs root and unshare --mount for the tmpfs mounts"
    fi
    HT_IN_NAMESPACE=1 exec unshare --mount --propagation private bash "$0" "$@"
fi
ht_init
d=$HT_DIR

# A definition fix has work to do on, with something to lose.
original=$d/original.xml
cat >"$original" <<'XML'
<!-- a hand-written definition: every byte of it must survive -->
<domain type='kvm'>
  <name>precious</name>
  <os><type arch='s390x' machine='s390-ccw-virtio'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2' iommu='off'/>
      <source file='/var/lib/libvirt/images/precious.qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
XML

# unchanged DIR NAME: DIR/NAME is byte-identical to the original, and DIR
# holds nothing but what the test put there ($2 and the filler).
unchanged() {
    cmp -s "$original" "$1/$2" &&
        [ -z "$(find "$1" -mindepth 1 -name '.*' -print -quit)" ]
}

# 1. a read-only file system
ro=$d/ro
mkdir "$ro"
mount -t tmpfs -o size=1m tmpfs "$ro"
ht_on_exit "umount '$ro' 2>/dev/null"
cp "$original" "$ro/guest.xml"
mount -o remount,ro "$ro"
for backup in "" "--backup=.orig"; do
    ht_run fix --in-place $backup "$ro/guest.xml"
    ht_expect "read-only file system, fix --in-place $backup: exit 2" 2 \
        "^error: cannot (create a temporary file in|write) '$ro"
    ht_check "  the original is byte-identical, nothing left behind" unchanged "$ro" guest.xml
    ht_check "  no backup was made" test ! -e "$ro/guest.xml.orig"
done
umount "$ro"

# 2. a full file system: the repaired text does not fit
full=$d/full
mkdir "$full"
mount -t tmpfs -o size=64k tmpfs "$full"
ht_on_exit "umount '$full' 2>/dev/null"
cp "$original" "$full/guest.xml"
dd if=/dev/zero of="$full/filler" bs=4k 2>/dev/null || true
ht_check "  the file system is full" test "$(df --output=avail "$full" | tail -n 1)" -eq 0
for backup in "" "--backup=.orig"; do
    ht_run fix --in-place $backup "$full/guest.xml"
    ht_expect "full file system, fix --in-place $backup: exit 2" 2 \
        "^error: cannot write '$full/guest.xml"
    ht_check "  the original is byte-identical, nothing left behind" unchanged "$full" guest.xml
done

# 3. control: with room again the same command repairs the file
rm "$full/filler"
ht_run fix --in-place --backup=.orig "$full/guest.xml"
ht_expect "control: with free space, fix --in-place repairs the file" 0
ht_check "  the backup is the original, byte for byte" cmp -s "$original" "$full/guest.xml.orig"
ht_check "  the file is repaired" grep -q "launchSecurity type='s390-pv'" "$full/guest.xml"
umount "$full"

tap_done
