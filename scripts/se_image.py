# SPDX-License-Identifier: GPL-2.0-or-later
"""Secure Execution images and host-key documents for the demo and the
benchmarks, in the layout pvimg 2.40 writes (tests/testseimage.c describes
it).  The header is real in form; what only the Ultravisor could check
(wrapped keys, tags, encrypted components) is zeros.  Host-key documents
are self-signed X.509 certificates with a P-521 key, made with openssl;
their hash is computed here as genprotimg does: SHA-256 over the public
point's X and Y, each left-padded to 80 bytes."""

import hashlib
import os
import subprocess


def write_se_image(path, phkhs, pcf=0xe0, components=8 * 1024 * 1024):
    """An image with one key slot per hash in @phkhs (64 hex digits each)."""
    header_size = 0x1A0 + 80 * len(phkhs) + 128 + 16
    ipib = 0x14000 + 0x1000 + components
    img = bytearray(ipib + 0x1000)
    img[0:8] = (0x0008000080000000 | 0x10000).to_bytes(8, "big")
    img[0xC000:0xC01C] = (b"SeImgLnx" + (0x14000).to_bytes(8, "big") +
                          (1).to_bytes(4, "big") + ipib.to_bytes(8, "big"))
    hdr = bytearray(header_size)
    hdr[0:8] = b"IBMSecEx"
    hdr[8:12] = (0x100).to_bytes(4, "big")
    hdr[12:16] = header_size.to_bytes(4, "big")
    hdr[32:40] = len(phkhs).to_bytes(8, "big")
    hdr[40:48] = (128).to_bytes(8, "big")
    hdr[48:56] = (components // 4096 + 2).to_bytes(8, "big")
    hdr[56:64] = pcf.to_bytes(8, "big")
    for slot, phkh in enumerate(phkhs):
        at = 0x1A0 + 80 * slot
        hdr[at:at + 32] = bytes.fromhex(phkh)
    img[0x14000:0x14000 + header_size] = hdr
    with open(path, "wb") as f:
        f.write(img)


def make_host_key_document(directory, name):
    """A P-521 host-key document DIRECTORY/NAME.crt; returns (path, hash)."""
    key = os.path.join(directory, name + ".key")
    crt = os.path.join(directory, name + ".crt")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:secp521r1", "-nodes", "-subj", "/CN=" + name,
                    "-days", "2", "-keyout", key, "-out", crt],
                   check=True, capture_output=True)
    pub = subprocess.run(["openssl", "x509", "-in", crt, "-noout", "-pubkey"],
                         check=True, capture_output=True).stdout
    spki = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pub,
                          check=True, capture_output=True).stdout
    point = spki[-133:]
    assert point[0] == 4, "not an uncompressed P-521 point"
    x, y = point[1:67], point[67:]
    return crt, hashlib.sha256(x.rjust(80, b"\0") + y.rjust(80, b"\0")).hexdigest()
