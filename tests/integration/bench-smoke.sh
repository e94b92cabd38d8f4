#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# bench/run --smoke against this build: every measurement of the benchmark
# runs twice on a small corpus, so that the script keeps working as virt-pv
# changes.  It measures nothing (docs/benchmarks.rst has the figures).
# Usage: bench-smoke.sh SOURCE-DIR BUILD-DIR.  TAP; skipped (77) where the
# benchmark cannot run at all (not root, hyperfine or strace missing).

set -u
src=$1
build=$2
. "$src/tests/tap.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "1..0 # SKIP bench/run needs root (namespaces)"
    exit 77
fi
for tool in hyperfine strace /usr/bin/time unshare; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool is not installed"
        exit 77
    fi
done

out=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-bench-smoke.XXXXXX")
trap 'rm -rf "$out"' EXIT

status=0
timeout 600 "$src/bench/run" --smoke --build "$build" --out "$out" >"$out/report" 2>&1 || status=$?
tap_result "$status" "bench/run --smoke exits 0" "$(tail -n 20 "$out/report")"

# Every measurement left its timings and its peak RSS, and the report
# shows it.
for name in probe-cold-virt-pv probe-cold-virt-pv-cached probe-floor probe-cold-libvirt \
    warm-virt-pv warm-libvirt validate-corpus-virt-pv validate-corpus-xmllint \
    validate-one-virt-pv validate-one-xmllint hook-pv-virt-pv hook-plain-virt-pv \
    fleet-virt-pv fleet-virsh-loop; do
    ok=0
    [ -s "$out/results/$name.r1.json" ] || ok=1
    # The shell loop of the fleet row has no RSS (thousands of processes).
    [ "$name" = fleet-virsh-loop ] || [ -s "$out/results/$name.rss" ] || ok=1
    tap_result "$ok" "$name measured" "$(ls "$out/results" 2>&1)"
done
for figure in "cold probe: virt-pv / floor" "cold probe: libvirt / virt-pv" \
    "corpus: virt-pv / xmllint" "hook: PV guest, warm cache" "fleet: virsh loop / virt-pv"; do
    grep -qF "$figure" "$out/report"
    tap_result $? "the report gives '$figure'"
done
tap_done
