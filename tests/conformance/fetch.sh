#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fetch.sh CACHE: libvirt's own s390x test data, from Debian's source
# packages, unpacked below CACHE (a directory in the build tree):
#   CACHE/libvirt-11.3.0/tests/{qemuxmlconfdata,qemucapabilitiesdata,domaincapsdata}
#   CACHE/libvirt-9.0.0/tests/{qemucapabilitiesdata,domaincapsdata}
# libvirt 11.3 is Debian 13's (trixie), 9.0 Debian 12's (bookworm).
#
# apt runs with a configuration of its own (its sources list, lists and
# archive cache below CACHE/apt); the system's sources are neither read
# nor changed.  The .orig.tar.xz is checked by apt against the hash in the
# signed Sources index.  On this kind of mirror the .dsc may give 404 and
# apt-get exits non-zero although the tarball arrived: the tarball decides.
#
# Prints one line and exits 77 when the data cannot be had (no apt, no
# network, another upstream version in Debian); 0 when CACHE is complete.
# Nothing fetched here is ever copied into the source tree.
set -uo pipefail

cache=${1:?usage: fetch.sh CACHE}
mirror=${VIRT_PV_DEBIAN_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# suite upstream-version: the versions the expected files were made with
releases=("trixie 11.3.0" "bookworm 9.0.0")

skip() {
    echo "SKIP: $*"
    exit 77
}

complete() {
    local r version
    for r in "${releases[@]}"; do
        version=${r#* }
        [ -f "$cache/libvirt-$version/.complete" ] || return 1
    done
}

mkdir -p "$cache" || skip "cannot create $cache"
exec 9>"$cache/.lock"
flock -w 600 9 || skip "another fetch holds $cache/.lock"
complete && exit 0

command -v apt-get >/dev/null || skip "apt-get is not installed"
[ -r "$keyring" ] || skip "$keyring is missing (debian-archive-keyring)"

apt_dir=$cache/apt
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$cache/src"
: >"$apt_dir/sources.list"
for r in "${releases[@]}"; do
    echo "deb-src [signed-by=$keyring] $mirror ${r%% *} main" >>"$apt_dir/sources.list"
done
apt_opts=(
    -o "Dir::Etc::SourceList=$apt_dir/sources.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$apt_dir/lists"
    -o "Dir::Cache=$apt_dir/cache"
    -o "APT::Sandbox::User=$(id -un)"
    -o "Acquire::Retries=2"
    -q
)

# apt-get update may exit 0 when a mirror is unreachable: the index files
# decide.
timeout 300 apt-get "${apt_opts[@]}" update >"$apt_dir/update.log" 2>&1
if ! ls "$apt_dir"/lists/*_source_Sources* >/dev/null 2>&1; then
    skip "apt-get update with deb-src lines for $mirror got no source index:" \
        "$(grep -m1 -E '^(E|W|Err):' "$apt_dir/update.log")"
fi

for r in "${releases[@]}"; do
    suite=${r%% *}
    version=${r#* }
    dest=$cache/libvirt-$version
    [ -f "$dest/.complete" ] && continue
    tarball=$cache/src/libvirt_$version.orig.tar.xz
    if [ ! -s "$tarball" ]; then
        # Judged by the tarball, not by the exit status (see above).
        (cd "$cache/src" &&
            timeout 300 apt-get "${apt_opts[@]}" source --download-only "libvirt/$suite") \
            >"$apt_dir/source-$suite.log" 2>&1
    fi
    if [ ! -s "$tarball" ]; then
        have=$(apt-cache "${apt_opts[@]}" showsrc "libvirt/$suite" 2>/dev/null |
            sed -n 's/^Version: //p' | head -n1)
        skip "libvirt $version source from Debian $suite is not available" \
            "(Debian has '${have:-nothing}'; $(grep -m1 -E '^(E|W):' "$apt_dir/source-$suite.log"))"
    fi
    rm -rf "$dest.tmp"
    mkdir -p "$dest.tmp"
    # All of qemuxmlconfdata: its cases are symlinks to one another.
    if ! tar -xJf "$tarball" -C "$dest.tmp" --strip-components=1 --wildcards \
        "libvirt-$version/tests/qemuxmlconfdata/*" \
        "libvirt-$version/tests/qemucapabilitiesdata/*s390x*" \
        "libvirt-$version/tests/domaincapsdata/*s390x*" 2>"$apt_dir/tar-$suite.log"; then
        # 9.0 keeps its argv cases elsewhere; only its recordings are used.
        tar -xJf "$tarball" -C "$dest.tmp" --strip-components=1 --wildcards \
            "libvirt-$version/tests/qemucapabilitiesdata/*s390x*" \
            "libvirt-$version/tests/domaincapsdata/*s390x*" 2>>"$apt_dir/tar-$suite.log" ||
            skip "cannot unpack $tarball: $(head -n1 "$apt_dir/tar-$suite.log")"
    fi
    touch "$dest.tmp/.complete"
    rm -rf "$dest"
    mv "$dest.tmp" "$dest"
done
complete || skip "the unpacked data in $cache is incomplete"
exit 0
