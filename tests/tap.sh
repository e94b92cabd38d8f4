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
