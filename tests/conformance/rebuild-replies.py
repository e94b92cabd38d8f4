#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rebuild a QMP conversation from one of libvirt's real recordings.

    rebuild-replies.py CACHE EDITS OUT

EDITS (tests/qemucapabilitiesdata/NAME.edits) names the recording in
libvirt's test data (fetched by fetch.sh into CACHE) and the fewest edits
that make it show what the case needs; OUT gets the recording with those
edits, in libvirt's form, headed by what it was derived from and every
edit.  libvirt's bytes stay in the build directory: only the edits are
kept in the tree.

An EDITS file holds '#' comments and lines
    source: libvirt-VERSION/PATH
    set: COMMAND ARGUMENTS-JSON | MEMBER.PATH | VALUE-JSON
where COMMAND and ARGUMENTS name a command of the recording's first
session and MEMBER.PATH a member of its answer's "return".
"""

import json
import os
import sys


def split_messages(text):
    return [json.loads(block) for block in text.split("\n\n")
            if block.strip() and not block.lstrip().startswith("#")]


def apply_edit(messages, command, arguments, path, value):
    for i, msg in enumerate(messages):
        if i > 0 and msg.get("execute") == "qmp_capabilities":
            break  # the first session only: libvirt's KVM probe
        if msg.get("execute") == command and msg.get("arguments") == arguments:
            target = messages[i + 1]["return"]
            keys = path.split(".")
            for key in keys[:-1]:
                target = target[key]
            target[keys[-1]] = value
            return
    raise SystemExit("the recording has no command %s %s" % (command, json.dumps(arguments)))


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    cache, edits_path, out = sys.argv[1:]
    source = None
    edits = []
    with open(edits_path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            kind, _, rest = line.partition(": ")
            if kind == "source":
                source = rest
            elif kind == "set":
                what, path, value = (p.strip() for p in rest.split(" | "))
                command, _, arguments = what.partition(" ")
                edits.append((command, json.loads(arguments) if arguments else None, path,
                              json.loads(value)))
            else:
                raise SystemExit("%s: unknown line '%s'" % (edits_path, line))
    if not source:
        raise SystemExit("%s: no source line" % edits_path)
    with open(os.path.join(cache, source)) as f:
        messages = split_messages(f.read())
    for edit in edits:
        apply_edit(messages, *edit)
    header = ["Rebuilt at test time by tests/conformance/rebuild-replies.py from",
              "%s (Debian's source package) with %d edit(s):" % (source, len(edits))]
    header += ["  %s %s: %s = %s" % (c, json.dumps(a) if a else "", p, json.dumps(v))
               for c, a, p, v in edits]
    with open(out + ".tmp", "w") as f:
        f.write("".join("# %s\n" % h for h in header) + "\n")
        f.write("\n\n".join(json.dumps(m, indent=2) for m in messages) + "\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
