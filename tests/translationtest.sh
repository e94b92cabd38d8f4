#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every language in po/LINGUAS is translated completely: no fuzzy entry, no
# empty msgstr, format strings that match, and a translation for every
# message the sources have *now* (not only those of the last .pot).
#
# Usage: translationtest.sh SOURCE-ROOT
set -uo pipefail

root=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=tests/tap.sh
. "$(dirname "$0")/tap.sh"

# entries SELECTION PO: the entries msgattrib selects, without the header.
entries() {
    msgattrib "$1" --no-obsolete --no-wrap "$2" | awk -v RS= 'NR > 1 { print; print "" }'
}

howto="To fix it: meson compile -C build virt-pv-update-po, then translate every
entry with an empty msgstr or a 'fuzzy' flag in the .po file (remove the
flag once the translation is right), and commit the .po file."

# The messages the sources have now, extracted as meson's i18n module does.
(cd "$root" && xgettext --files-from=po/POTFILES.in --from-code=UTF-8 --language=C \
    --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
    --keyword=g_dngettext:2,3 --output="$tmp/virt-pv.pot") 2>"$tmp/xgettext.err"
status=$?
grep -q . "$tmp/xgettext.err" && status=1
tap_result $status "the sources' messages extract without warnings" \
    "$(cat "$tmp/xgettext.err")" \
    "A string in _() must be a whole message: no GLib format macros glued into it" \
    "(use <inttypes.h>'s PRIu64 or %zu, which xgettext understands)."

# xgettext stops a msgid at a macro it does not know, silently where the
# string is not passed to a known printf-like function: the translation of
# the cut message then never matches at run time.
glued=$(cd "$root" && perl -0777 -ne '
    while (/\bN?_\(\s*((?:"(?:[^"\\]|\\.)*"\s*|[A-Za-z_]\w*\s*)+)\)/g) {
        my ($text, $end) = ($1, pos);
        next unless $text =~ /\b(G_G\w*_(?:FORMAT|MODIFIER))\b/;
        my $line = 1 + (substr($_, 0, $end) =~ tr/\n//);
        print "$ARGV:$line: $1 inside _()\n";
    }' $(sed 's/#.*//' po/POTFILES.in))
[ -z "$glued" ]
tap_result $? "no GLib format macro is glued into a translatable string" "$glued" \
    "xgettext cuts the message at the macro. Use <inttypes.h>'s PRIu64, PRIx64 (or %zu" \
    "for gsize): xgettext understands those and keeps the message whole."

languages=$(sed 's/#.*//' "$root/po/LINGUAS" | tr -s ' \n' ' ')
[ -n "${languages// /}" ]
tap_result $? "po/LINGUAS names at least one language"

for lang in $languages; do
    po=$root/po/$lang.po
    if [ ! -f "$po" ]; then
        tap_result 1 "po/$lang.po exists" "po/LINGUAS names '$lang' but po/$lang.po is missing"
        continue
    fi
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
    status=$?
    tap_result $status "po/$lang.po compiles with format checks" "$stats"

    fuzzy=$(msgattrib --only-fuzzy --no-obsolete "$po" | grep -c '^msgid ' || true)
    untranslated=$(msgattrib --untranslated --no-obsolete "$po" | grep -c '^msgid ' || true)
    tap_result $(( (fuzzy > 0) + (untranslated > 0) )) \
        "po/$lang.po has no fuzzy and no untranslated entries ($stats)" \
        "$(entries --only-fuzzy "$po"; entries --untranslated "$po")" \
        "$howto"

    # Merge the .po file with the current messages, without guessing: what
    # is untranslated or fuzzy then is exactly what lacks a translation.
    msgmerge --quiet --no-fuzzy-matching -o "$tmp/$lang.po" "$po" "$tmp/virt-pv.pot"
    missing=$(entries --untranslated "$tmp/$lang.po"; entries --only-fuzzy "$tmp/$lang.po")
    [ -z "$missing" ]
    tap_result $? "po/$lang.po translates every message of the current sources" \
        "$(grep -c '^msgid ' <<<"$missing") message(s) of the sources lack a translation in po/$lang.po:" \
        "" "$missing" "" "$howto"
done

tap_done
