#!/bin/sh
# An "emulator" that is not QEMU: it prints something that is not QMP.
echo 'Usage: not-qemu [OPTIONS]'
exec sleep 60
