# SPDX-License-Identifier: GPL-2.0-or-later
"""QEMU command lines compared property by property.

libvirt writes most arguments as JSON objects, virt-pv as key=value lists;
both are the same thing to QEMU.  Every argument becomes (option, identity,
properties): nested JSON objects are flattened with dots ("cache.direct"),
booleans are on/off, a leading value without a key gets the name QEMU's
option parser gives it ("driver" for -device), and -m is counted in bytes.
Two arguments are the same when option and identity (its id, node-name,
or the option itself for the one-off options) are equal.
"""

import json
import re
import shlex

# The key QEMU gives a leading value without "key=".
IMPLIED_KEY = {
    "-device": "driver",
    "-netdev": "type",
    "-object": "qom-type",
    "-chardev": "backend",
    "-machine": "type",
    "-cpu": "model",
    "-smp": "cpus",
    "-m": "size",
    "-accel": "accel",
    "-display": "type",
    "-sandbox": "enable",
    "-audiodev": "driver",
    "-uuid": "uuid",
    "-kernel": "path",
    "-initrd": "path",
    "-append": "cmdline",
    "-overcommit": "value",
    "-run-with": "value",
}

# Options without a value.
FLAGS = {"-S", "-no-user-config", "-nodefaults", "-no-shutdown", "-no-acpi",
         "-nographic", "-enable-kvm"}

SIZE_SUFFIX = {"": 1 << 20, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30,
               "t": 1 << 40}


def split_keyval(text):
    """QEMU's key=value list: ',,' is a literal comma."""
    items, cur, i = [], [], 0
    while i < len(text):
        c = text[i]
        if c == "," and text[i + 1:i + 2] == ",":
            cur.append(",")
            i += 2
            continue
        if c == ",":
            items.append("".join(cur))
            cur = []
        else:
            cur.append(c)
        i += 1
    items.append("".join(cur))
    return items


def flatten(obj, prefix=""):
    out = {}
    for key, value in obj.items():
        name = prefix + key
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        elif isinstance(value, bool):
            out[name] = "on" if value else "off"
        elif isinstance(value, list):
            out[name] = json.dumps(value, separators=(",", ":"))
        else:
            out[name] = str(value)
    return out


def parse_value(option, value):
    if value.startswith("{"):
        return flatten(json.loads(value))
    props = {}
    for n, item in enumerate(split_keyval(value)):
        if "=" in item:
            key, val = item.split("=", 1)
        elif n == 0:
            key, val = IMPLIED_KEY.get(option, "value"), item
        else:
            key, val = item, "on"
        props[key] = val
    if option == "-m" and "size" in props:
        m = re.fullmatch(r"(\d+)([bkmgtBKMGT]?)", props["size"])
        if m:
            props["size"] = str(int(m.group(1)) * SIZE_SUFFIX[m.group(2).lower()])
    return props


def identity(option, props):
    for key in ("id", "node-name"):
        if key in props:
            return props[key]
    if option == "-device":
        return props.get("driver", "")
    return ""


def parse_args(argv):
    """[(option, identity, props)] from an argv without the program."""
    out = []
    seen = {}
    i = 0
    while i < len(argv):
        option = argv[i]
        if option in FLAGS or i + 1 >= len(argv):
            props = {}
            i += 1
        else:
            props = parse_value(option, argv[i + 1])
            i += 2
        ident = identity(option, props)
        key = (option, ident)
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            ident = "%s#%d" % (ident, seen[key])
        out.append((option, ident, props))
    return out


def read_libvirt_args(text):
    args = shlex.split(text.replace("\\\n", " "))
    while args and not args[0].startswith("/"):
        args.pop(0)  # the environment libvirt sets
    return args[1:]


def read_virtpv_args(text):
    args = [shlex.split(line)[0] if line else "" for line in text.splitlines()]
    return args[1:]


def label(option, ident):
    return option if not ident else "%s %s" % (option, ident)


def differences(libvirt, ours):
    """Sorted difference lines between two parsed argvs."""
    theirs = {(o, i): p for o, i, p in libvirt}
    mine = {(o, i): p for o, i, p in ours}
    lines = []
    for key in theirs:
        if key not in mine:
            lines.append("%s: only libvirt has it" % label(*key))
    for key in mine:
        if key not in theirs:
            lines.append("%s: only virt-pv has it" % label(*key))
    for key in theirs:
        if key not in mine:
            continue
        a, b = theirs[key], mine[key]
        for prop in sorted(set(a) | set(b)):
            if a.get(prop) == b.get(prop):
                continue
            lines.append("%s: %s: libvirt %s, virt-pv %s" % (
                label(*key), prop,
                "'%s'" % a[prop] if prop in a else "absent",
                "'%s'" % b[prop] if prop in b else "absent"))
    return sorted(lines)
