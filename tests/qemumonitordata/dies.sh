#!/bin/sh
# An "emulator" that fails at once, as QEMU does on a bad option.
echo 'qemu-system-s390x: -accel kvm: invalid accelerator kvm' >&2
exit 1
