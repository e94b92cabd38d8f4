# SPDX-License-Identifier: GPL-2.0-or-later
# TAP for the shell tests, sourced: tap_result per case, tap_done at the end.
# Details of a failure go to stderr, where meson test --print-errorlogs
# shows them.

tap_count=0
tap_failed=0

# tap_result STATUS TITLE [DETAIL...]: one case; STATUS 0 passes.
tap_result() {
    local status=$1 title=$2
    shift 2
    tap_count=$((tap_count + 1))
    if [ "$status" -eq 0 ]; then
        echo "ok $tap_count - $title"
    else
        tap_failed=$((tap_failed + 1))
        echo "not ok $tap_count - $title"
        printf '%s\n' "$@" | sed 's/^/# /' >&2
    fi
}

# tap_run TITLE COMMAND...: one case, the command's status; its output
# explains a failure.
tap_run() {
    local title=$1 out status=0
    shift
    out=$("$@" 2>&1) || status=$?
    tap_result "$status" "$title" "$out"
    return "$status"
}

# tap_done: the plan, and the exit status of the test.
tap_done() {
    echo "1..$tap_count"
    [ "$tap_failed" -eq 0 ]
}

# tap_command PROGRAM: the array TAP_COMMAND runs PROGRAM, a binary of the
# build.  In a cross build meson test puts the program that runs the
# build's binaries (qemu-s390x -L SYSROOT) in MESON_EXE_WRAPPER, quoted for
# the shell: PROGRAM runs behind it, as the test itself does.
tap_command() {
    eval "TAP_COMMAND=(${MESON_EXE_WRAPPER:-} \"\$1\")"
}

# tap_command_file PROGRAM FILE: FILE becomes a script that runs PROGRAM
# as tap_command does, for callers that need one path (timeout, xargs).
tap_command_file() {
    tap_command "$1"
    {
        echo '#!/bin/bash'
        printf 'exec'
        printf ' %q' "${TAP_COMMAND[@]}"
        printf ' "$@"\n'
    } >"$2" && chmod +x "$2"
}
