#!/bin/sh
# Greets, then dies with a message on stderr, as QEMU does when it rejects
# its command line after the monitor is up.
printf '{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, "major": 7}, "package": ""}, "capabilities": []}}\r\n'
echo 'qemu-system-s390x: Some features requested in the CPU model are not available' >&2
exit 1
