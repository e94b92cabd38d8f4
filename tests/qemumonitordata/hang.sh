#!/bin/sh
# An "emulator" that never says anything.
exec sleep 600
