#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-config.sh SOURCE DEST: install a configuration file unless one
# is already there, so that reinstalling never overwrites an admin's edits.
set -eu
dest="${DESTDIR:-}$2"
if [ -e "$dest" ]; then
    echo "keeping existing $dest"
    exit 0
fi
mkdir -p "$(dirname "$dest")"
install -m 0644 "$1" "$dest"
