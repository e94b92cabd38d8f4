#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""virt-pv against libvirt's own s390x test data (TAP).

libvirt's test data is fetched at test time from Debian's source packages
(fetch.sh) into the build directory and never copied into this tree.  What
is kept here is what virt-pv is expected to say about it:

  validate/CASE.txt   findings of `validate` and `validate --pv` (code,
                      xpath) and the exit status, for every s390x case of
                      libvirt 11.3's tests/qemuxmlconfdata
  argv/CASE.VARIANT.txt
                      every difference between `domxml-to-native` and
                      libvirt's CASE.s390x-VARIANT.args, property by
                      property, each with its explanation (argv-reasons.txt)
  domcaps/VERSION.txt what `domcapabilities --replies` makes of each s390x
                      recording of libvirt VERSION, beside libvirt's own
                      tests/domaincapsdata answer

VIRT_PV_TEST_REGENERATE=1 rewrites the expected files from the current
output (the explanations come from argv-reasons.txt); review the diff.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

# The source tree stays as it is: no __pycache__ beside the script.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import argvdiff  # noqa: E402

ARGS_RE = re.compile(r"^(?P<case>.+)\.s390x-(?P<variant>latest|\d+\.\d+\.\d+)"
                     r"(?P<abi>\.abi-update)?\.(?P<kind>args|err)$")
# The capabilities libvirt 11.3 gives each variant: "latest" is its newest
# s390x recording.
VARIANT_CAPS = {"latest": "10.0.0"}
RECORDING_RE = re.compile(r"^caps_(?P<version>\d+\.\d+\.\d+)[._]s390x\.replies$")
TIMEOUT = 60


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, good, title, diag=()):
        self.n += 1
        if not good:
            self.failed += 1
        print("%s %d - %s" % ("ok" if good else "not ok", self.n, title))
        for line in diag:
            print("# " + line)
        sys.stdout.flush()

    def note(self, text):
        print("# " + text)


def run(program, args):
    try:
        p = subprocess.run([program] + args, capture_output=True, text=True,
                           timeout=TIMEOUT, env=dict(os.environ, LC_ALL="C"))
    except subprocess.TimeoutExpired:
        return -1000, "", "timed out after %d s" % TIMEOUT
    return p.returncode, p.stdout, p.stderr


def compare_file(path, lines, regenerate, header=()):
    """True when @path holds @lines; rewrites it when regenerating."""
    text = "".join(h + "\n" for h in header) + "".join(l + "\n" for l in lines)
    if regenerate:
        with open(path, "w") as f:
            f.write(text)
        return True, []
    try:
        with open(path) as f:
            have = f.read()
    except FileNotFoundError:
        return False, ["%s is missing" % path]
    if have == text:
        return True, []
    import difflib
    diff = difflib.unified_diff(have.splitlines(), text.splitlines(),
                                "expected", "actual", lineterm="")
    return False, list(diff)[:40]


# ---- the cases ----------------------------------------------------------

def xml_cases(confdata):
    """{case: [(variant, abi, kind, path)]} for every s390x output file."""
    cases = {}
    for name in sorted(os.listdir(confdata)):
        m = ARGS_RE.match(name)
        if m:
            cases.setdefault(m["case"], []).append(
                (m["variant"], bool(m["abi"]), m["kind"], os.path.join(confdata, name)))
    return cases


# ---- validate -------------------------------------------------------------

def validate_lines(program, xml, pv):
    rc, out, err = run(program, ["validate", "--json"] + (["--pv"] if pv else []) + [xml])
    mode = "pv" if pv else "plain"
    lines = ["%s: exit %d" % (mode, rc)]
    if rc in (0, 1):
        for line in out.splitlines():
            doc = json.loads(line)
            for p in doc.get("problems", []):
                lines.append("%s: %s %s" % (mode, p["code"], p["xpath"]))
    return rc, lines, err


def check_validate(tap, program, confdata, cases, srcdir, regenerate, stats):
    for case in sorted(cases):
        xml = os.path.join(confdata, case + ".xml")
        if not os.path.exists(xml):
            continue
        lines = []
        bad = []
        # libvirt refuses the definition itself (only .err outputs): exit 2
        # with virt-pv's parse error is the same verdict.
        refused = all(kind == "err" for _variant, _abi, kind, _path in cases[case])
        for pv in (False, True):
            rc, found, err = validate_lines(program, xml, pv)
            lines += found
            if rc not in (0, 1) and not (rc == 2 and refused):
                bad.append("validate%s exited %d: %s" % (" --pv" if pv else "", rc,
                                                         err.strip()[:300]))
        stats["validated"] += 1
        stats["validate-exit2"] += len(bad)
        good, diag = compare_file(os.path.join(srcdir, "validate", case + ".txt"), lines,
                                  regenerate)
        tap.ok(good and not bad, "validate %s: plain and --pv as expected" % case, bad + diag)


# ---- argv -------------------------------------------------------------------

def load_reasons(path):
    """[(regex, class, reason)] from argv-reasons.txt."""
    rules = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split(" | ", 2)]
            if len(parts) != 3:
                raise SystemExit("%s:%d: want 'class | regex | reason'" % (path, n))
            rules.append((re.compile(parts[1]), parts[0], parts[2]))
    return rules


def explain(rules, case, line):
    for regex, cls, reason in rules:
        if regex.search("%s %s" % (case, line)):
            return cls, reason
    return "UNEXPLAINED", "no rule in argv-reasons.txt"


def is_silent_drop(cls, line, warnings):
    """A setting of libvirt's argv that virt-pv lacks although the
    explanation says virt-pv warns about it, and no warning names it."""
    if not cls.startswith("warned:"):
        return False
    if "libvirt '" not in line and "only libvirt" not in line:
        return False
    element = cls.split(":", 1)[1]
    return ("<%s>" % element) not in warnings and ("<%s " % element) not in warnings


# Differences of these classes change nothing the guest sees: a case with
# no others counts as identical.
HARMLESS = {"process", "equivalent", "naming"}


def first_finding(err):
    """The code of the first error finding in validate's long form."""
    for line in err.splitlines():
        m = re.match(r"\s+error\s+([a-z0-9-]+)\s", line)
        if m:
            return m.group(1)
    return "no finding named"


def caps_for(variant, caps_dir):
    version = VARIANT_CAPS.get(variant, variant)
    path = os.path.join(caps_dir, "caps_%s_s390x.json" % version)
    return path if os.path.exists(path) else None


def check_argv(tap, program, confdata, cases, srcdir, caps_dir, regenerate, stats):
    rules = load_reasons(os.path.join(srcdir, "argv-reasons.txt"))
    for case in sorted(cases):
        xml = os.path.join(confdata, case + ".xml")
        for variant, abi, kind, path in cases[case]:
            if kind != "args":
                continue
            name = "%s.%s%s" % (case, variant, ".abi-update" if abi else "")
            caps = caps_for(variant, caps_dir)
            rc, out, err = run(program, ["domxml-to-native"] +
                               (["--caps", caps] if caps else []) + [xml])
            stats["argv"] += 1
            problems = []
            header = []
            if rc == 1 and caps:
                # Refused with the recorded capabilities (a PV guest on a
                # host without unpack): the argv without them.
                header.append("# with --caps: refused (%s); compared without --caps"
                              % first_finding(err))
                rc, out, err = run(program, ["domxml-to-native", xml])
            if rc == 2:
                stats["argv-exit2"] += 1
                problems.append("exit 2 on a definition libvirt accepts: " + err.strip()[:300])
            if rc not in (0, 1):
                lines = ["virt-pv: exit %d" % rc]
            elif rc == 1:
                lines = ["virt-pv: refused (validation errors)"]
            else:
                with open(path) as f:
                    theirs = argvdiff.parse_args(argvdiff.read_libvirt_args(f.read()))
                ours = argvdiff.parse_args(argvdiff.read_virtpv_args(out))
                lines = argvdiff.differences(theirs, ours)
            explained = []
            silent = 0
            for line in lines:
                cls, reason = explain(rules, name, line)
                if cls == "UNEXPLAINED":
                    problems.append("unexplained: " + line)
                if is_silent_drop(cls, line, err):
                    silent += 1
                    problems.append("dropped without a warning: " + line)
                explained.append("%s  ## %s: %s" % (line, cls, reason))
            stats["silent-drops"] += silent
            harmless = all(explain(rules, name, l)[0] in HARMLESS for l in lines)
            if rc == 0 and harmless:
                stats["argv-identical"] += 1
            elif rc == 0:
                stats["argv-explained"] += 1
            good, diag = compare_file(os.path.join(srcdir, "argv", name + ".txt"), explained,
                                      regenerate, header)
            tap.ok(good and not problems,
                   "argv %s: %s" % (name, "identical after harmless normalisation" if harmless
                                    else "%d explained differences" % len(lines)),
                   problems + diag)


# ---- domcapabilities ------------------------------------------------------------

# Why an answer of libvirt's test data differs from virt-pv's, by field.
DOMCAPS_REASONS = {
    ("s390-pv", "yes", "no"):
        "libvirt's answer comes from its test mock: tests/domaincapsmock.c "
        "(virQEMUCapsGetKVMSupportsSecureGuest) forces KVM secure guest support "
        "whenever QEMU has s390-pv-guest and confidential-guest-support; the "
        "recorded host has no unpack in its host model, so virt-pv says no",
}


def libvirt_domcaps(path):
    import xml.etree.ElementTree as ET
    root = ET.parse(path).getroot()
    host = root.find("./cpu/mode[@name='host-model']")
    model = host.find("model") if host is not None else None
    unpack = host is not None and host.find("feature[@name='unpack']") is not None
    pv = root.find("./features/s390-pv")
    return {
        "default machine": root.findtext("machine") or "-",
        "host-model": model.text if model is not None else "-",
        "unpack in host model": "yes" if unpack else "no",
        "s390-pv": pv.get("supported") if pv is not None else "-",
    }


def virtpv_domcaps(program, replies):
    rc, out, err = run(program, ["domcapabilities", "--json", "--replies", replies])
    if rc != 0:
        return rc, None, err.strip()
    caps = json.loads(out)
    host = caps.get("host-model") or {}
    default = [m["name"] for m in caps["machines"] if m["default"]]
    return rc, {
        "default machine": default[0] if default else "-",
        "host-model": host.get("name", "-"),
        "unpack in host model": "yes" if host.get("unpack") else "no",
        "s390-pv": "yes" if caps.get("pv-supported") else "no",
    }, out


def check_domcaps(tap, program, cache, srcdir, caps_dir, regenerate, stats):
    for version in ("9.0.0", "11.3.0"):
        tests = os.path.join(cache, "libvirt-" + version, "tests")
        recordings = sorted(n for n in os.listdir(os.path.join(tests, "qemucapabilitiesdata"))
                            if RECORDING_RE.match(n))
        lines = []
        problems = []
        for name in recordings:
            qemu = RECORDING_RE.match(name)["version"]
            replies = os.path.join(tests, "qemucapabilitiesdata", name)
            domcaps = os.path.join(tests, "domaincapsdata", "qemu_%s.s390x.xml" % qemu)
            rc, ours, out = virtpv_domcaps(program, replies)
            stats["recordings"] += 1
            if ours is None:
                problems.append("%s: domcapabilities exited %d: %s" % (name, rc, out[:300]))
                lines.append("%s: not read (exit %d)" % (name, rc))
                continue
            stats["recordings-read"] += 1
            if version == "11.3.0":
                # The capabilities domxml-to-native gets for libvirt's cases.
                with open(os.path.join(caps_dir, "caps_%s_s390x.json" % qemu), "w") as f:
                    f.write(out)
            if not os.path.exists(domcaps):
                lines.append("%s: libvirt has no tests/domaincapsdata answer" % name)
                continue
            theirs = libvirt_domcaps(domcaps)
            for field in ("s390-pv", "unpack in host model", "host-model", "default machine"):
                a, b = theirs[field], ours[field]
                if a == b:
                    lines.append("%s: %s: %s (same)" % (name, field, a))
                    stats["domcaps-same"] += 1
                    continue
                reason = DOMCAPS_REASONS.get((field, a, b), "UNEXPLAINED")
                if reason == "UNEXPLAINED":
                    problems.append("%s: %s differs without an explanation" % (name, field))
                stats["domcaps-differ"] += 1
                lines.append("%s: %s: libvirt %s, virt-pv %s -- %s" % (name, field, a, b, reason))
        good, diag = compare_file(os.path.join(srcdir, "domcaps", version + ".txt"), lines,
                                  regenerate)
        tap.ok(good and not problems,
               "domcapabilities --replies over libvirt %s's %d s390x recordings" %
               (version, len(recordings)), problems + diag)


# ---- the KVM conversations, rebuilt from libvirt's recordings ------------------

def check_rebuilt(tap, program, cache, srcdir, regenerate, stats):
    """tests/qemucapabilitiesdata/NAME.edits: libvirt's recording with the
    listed edits must give NAME.xml and NAME.json, which the unit tests
    use as capabilities."""
    capsdata = os.path.join(srcdir, "..", "qemucapabilitiesdata")
    outdir = os.path.join(cache, "rebuilt")
    os.makedirs(outdir, exist_ok=True)
    for edits in sorted(n for n in os.listdir(capsdata) if n.endswith(".edits")):
        name = edits[:-len(".edits")]
        replies = os.path.join(outdir, name + ".replies")
        rebuild = subprocess.run([sys.executable, os.path.join(srcdir, "rebuild-replies.py"),
                                  cache, os.path.join(capsdata, edits), replies],
                                 capture_output=True, text=True)
        if rebuild.returncode != 0:
            tap.ok(False, "rebuild %s" % name, [rebuild.stderr.strip()])
            continue
        for fmt, extra in (("xml", []), ("json", ["--json"])):
            rc, out, err = run(program, ["domcapabilities", "--replies", replies] + extra)
            problems = [] if rc == 0 and not err else ["exit %d: %s" % (rc, err.strip())]
            good, diag = compare_raw(os.path.join(capsdata, "%s.%s" % (name, fmt)), out,
                                     regenerate)
            stats["rebuilt"] += 1
            tap.ok(good and not problems, "%s.%s from libvirt's recording with %s" %
                   (name, fmt, edits), problems + diag)


def compare_raw(path, text, regenerate):
    if regenerate:
        with open(path, "w") as f:
            f.write(text)
        return True, []
    with open(path) as f:
        have = f.read()
    if have == text:
        return True, []
    import difflib
    return False, list(difflib.unified_diff(have.splitlines(), text.splitlines(),
                                            "expected", "actual", lineterm=""))[:40]


# ---- main -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--program", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--srcdir", default=os.path.dirname(os.path.abspath(__file__)))
    opts = ap.parse_args()
    regenerate = os.environ.get("VIRT_PV_TEST_REGENERATE") == "1"
    start = time.monotonic()

    fetch = subprocess.run(["bash", os.path.join(opts.srcdir, "fetch.sh"), opts.cache],
                           capture_output=True, text=True)
    if fetch.returncode != 0:
        reason = (fetch.stdout.strip() or fetch.stderr.strip() or "fetch.sh failed")
        print("1..0 # SKIP libvirt's test data cannot be had: %s" % reason.replace("SKIP: ", ""))
        return 0
    lv11 = os.path.join(opts.cache, "libvirt-11.3.0", "tests")
    confdata = os.path.join(lv11, "qemuxmlconfdata")
    caps_dir = os.path.join(opts.cache, "caps")
    os.makedirs(caps_dir, exist_ok=True)
    cases = xml_cases(confdata)

    tap = Tap()
    stats = dict.fromkeys(["validated", "validate-exit2", "argv", "argv-identical",
                           "argv-explained", "argv-exit2", "silent-drops", "recordings",
                           "recordings-read", "domcaps-same", "domcaps-differ", "rebuilt"], 0)
    # First: the argv cases use the capabilities it derives.
    check_domcaps(tap, opts.program, opts.cache, opts.srcdir, caps_dir, regenerate, stats)
    check_rebuilt(tap, opts.program, opts.cache, opts.srcdir, regenerate, stats)
    check_validate(tap, opts.program, confdata, cases, opts.srcdir, regenerate, stats)
    check_argv(tap, opts.program, confdata, cases, opts.srcdir, caps_dir, regenerate, stats)
    print("1..%d" % tap.n)
    tap.note("definitions validated: %d (exit 2: %d)" % (stats["validated"],
                                                        stats["validate-exit2"]))
    tap.note("argv cases: %d; identical: %d; with explained differences: %d; "
             "silent drops: %d; exit 2 on valid libvirt input: %d"
             % (stats["argv"], stats["argv-identical"], stats["argv-explained"],
                stats["silent-drops"], stats["argv-exit2"]))
    tap.note("recordings read: %d of %d; answers as libvirt's: %d, different (explained): %d"
             % (stats["recordings-read"], stats["recordings"], stats["domcaps-same"],
                stats["domcaps-differ"]))
    tap.note("conformance time: %.1f s" % (time.monotonic() - start))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
