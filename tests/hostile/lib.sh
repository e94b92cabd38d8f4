# SPDX-License-Identifier: GPL-2.0-or-later
#
# Shared by the tests in tests/hostile/: each runs virt-pv on input built to
# hurt it and asserts, explicitly, the exit status, the message, that it
# took bounded time and memory, and that nothing it must not touch was
# touched.  Output is TAP.  Sourced, not run.
#
#   . "$(dirname "$0")/lib.sh"
#   ht_init                          # work directory $HT_DIR, EXIT trap
#   ht_program PATH                  # PATH (a binary of the build) made
#                                    # runnable in a cross build too
#   ht_run [--stdin FILE|-] ARG...   # virt-pv ARG..., bounded by $HT_LIMIT_S
#                                    # (- : stdin closed)
#   ht_expect "what" STATUS 'stderr regex'
#   ht_check "what" COMMAND...       # any assertion
#   ht_skip "what" "reason"          # a case that cannot run here
#   tap_done                         # from tests/tap.sh

. "$(dirname "${BASH_SOURCE[0]}")/../tap.sh"

HT_PROGRAM=${VIRT_PV_PROGRAM:-virt-pv}
HT_SRCDIR=${VIRT_PV_TEST_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
HT_LIMIT_S=${HT_LIMIT_S:-30}     # no single run may take longer
HT_LIMIT_MB=${HT_LIMIT_MB:-512}  # nor use more memory (maximum RSS)
# AddressSanitizer keeps freed memory in quarantine (256 MiB by default)
# and adds shadow memory: under it (scripts/check sets ASAN_OPTIONS) the
# memory limits are loosened by this factor; the plain build keeps them.
HT_ASAN_FACTOR=1
[ -z "${ASAN_OPTIONS:-}" ] || HT_ASAN_FACTOR=8
HT_DIR=
HT_CLEANUP=()

# The last ht_run: exit status, output, wall time (s), maximum RSS (KiB).
HT_STATUS=
HT_OUT=
HT_ERR=
HT_SECS=
HT_RSS_KB=

ht_cleanup() {
    local i
    for ((i = ${#HT_CLEANUP[@]} - 1; i >= 0; i--)); do
        eval "${HT_CLEANUP[$i]}" || true
    done
    [ -n "$HT_DIR" ] && rm -rf "$HT_DIR"
}

# Run COMMAND (a string for eval) when the test exits, last in first out.
ht_on_exit() {
    HT_CLEANUP+=("$1")
}

ht_init() {
    HT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/virt-pv-hostile.XXXXXX")
    trap ht_cleanup EXIT
    HT_PROGRAM=$(ht_program "$HT_PROGRAM")
}

# ht_program PATH: a path that runs the build's binary PATH, behind the
# exe_wrapper of a cross build (tap_command); PATH itself in a native one.
# The script has PATH's name, in a directory of its own.
ht_program() {
    local script
    if [ -z "${MESON_EXE_WRAPPER:-}" ]; then
        echo "$1"
        return
    fi
    script=$HT_DIR/.wrapped/$(basename "$1")
    mkdir -p "$HT_DIR/.wrapped" && tap_command_file "$1" "$script" && echo "$script"
}

ht_skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

# ht_skip WHAT REASON: a case that cannot run here, reported as skipped.
ht_skip() {
    tap_count=$((tap_count + 1))
    echo "ok $tap_count - $1 # SKIP $2"
}

# ht_check WHAT COMMAND...: one assertion.
ht_check() {
    local what=$1
    shift
    local status=0
    "$@" || status=$?
    tap_result "$status" "$what"
}

# ht_run [--stdin FILE|-] ARG...: run virt-pv (stdin from FILE, closed for
# -, else /dev/null), killed after $HT_LIMIT_S s and measured by GNU time.
ht_run() {
    local stdin=/dev/null
    if [ "${1:-}" = "--stdin" ]; then
        stdin=$2
        shift 2
    fi
    if [ "$stdin" = "-" ]; then
        # stdin closed, not just empty
        /usr/bin/time -f '%e %M' -o "$HT_DIR/.time" \
            timeout -s KILL "$HT_LIMIT_S" "$HT_PROGRAM" "$@" \
            <&- >"$HT_DIR/.out" 2>"$HT_DIR/.err" && HT_STATUS=0 || HT_STATUS=$?
    else
        /usr/bin/time -f '%e %M' -o "$HT_DIR/.time" \
            timeout -s KILL "$HT_LIMIT_S" "$HT_PROGRAM" "$@" \
            <"$stdin" >"$HT_DIR/.out" 2>"$HT_DIR/.err" && HT_STATUS=0 || HT_STATUS=$?
    fi
    HT_OUT=$(cat "$HT_DIR/.out")
    HT_ERR=$(cat "$HT_DIR/.err")
    # GNU time prints "Command exited with non-zero status" first then.
    read -r HT_SECS HT_RSS_KB < <(tail -n 1 "$HT_DIR/.time")
}

# ht_expect WHAT STATUS [STDERR_REGEX]: the last run exited with STATUS,
# within the time and memory limits, and its stderr matches the regex
# (extended, over the whole of stderr).
ht_expect() {
    local what=$1 status=$2 regex=${3:-} problems=()
    [ "$HT_STATUS" = "$status" ] || problems+=("exit status $HT_STATUS, expected $status")
    [ "$HT_STATUS" -ne 137 ] || problems+=("killed after the ${HT_LIMIT_S} s limit")
    [ "${HT_RSS_KB:-0}" -le $((HT_LIMIT_MB * HT_ASAN_FACTOR * 1024)) ] ||
        problems+=("maximum RSS ${HT_RSS_KB} KiB over $((HT_LIMIT_MB * HT_ASAN_FACTOR)) MiB")
    if [ -n "$regex" ] && ! grep -Eq -- "$regex" <<<"$HT_ERR"; then
        problems+=("stderr does not match /$regex/")
    fi
    if grep -Eq 'Sanitizer|runtime error|CRITICAL|GLib-WARNING' <<<"$HT_ERR"; then
        problems+=("a sanitizer or GLib report on stderr")
    fi
    if [ ${#problems[@]} -gt 0 ]; then
        problems+=("stdout:" "$(head -c 2000 <<<"$HT_OUT")" "stderr:" "$(head -c 2000 <<<"$HT_ERR")")
    fi
    tap_result ${#problems[@]} "$what (exit $HT_STATUS, ${HT_SECS} s, $((HT_RSS_KB / 1024)) MiB)" \
        "${problems[@]}"
}
