"""Small documents made at test (or demo) time, so no binary sits in the
repository: a valid PDF of N pages written by hand, a PNG, a WAV of
silence, plain text, and the EBML header of a WebM file.

Run as a script to write them into a folder:
    /usr/bin/python3 documents.py FOLDER
"""

import struct
import sys
import zlib


def pdf(pages=3, title="Document"):
    """A PDF 1.4 file of `pages` pages, each saying its number, with an
    Info dictionary holding the title; byte offsets in the xref table are
    exact, so viewers open it without repair."""
    objects = []
    kids = " ".join("%d 0 R" % (4 + 2 * k) for k in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(("<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages)).encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for k in range(pages):
        text = ("BT /F1 36 Tf 72 700 Td (%s: page %d) Tj ET" % (title, k + 1)).encode("latin-1")
        objects.append(("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                        "/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>"
                        % (5 + 2 * k)).encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream")
    objects.append(("<< /Title (%s) /Producer (mod_social tests) >>" % title).encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), xref))
    return bytes(out)


def png(width=16, height=16, rgb=(30, 120, 200)):
    """A solid-colour PNG."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    row = b"\x00" + bytes(rgb) * width
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))


def wav(seconds=60, rate=2000):
    """Silence as 8-bit mono PCM WAV: `seconds` long, rate*seconds bytes
    of samples (60 s is 120 KB), which every browser plays and seeks."""
    frames = b"\x80" * (rate * seconds)
    return (b"RIFF" + struct.pack("<I", 36 + len(frames)) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate, 1, 8)
            + b"data" + struct.pack("<I", len(frames)) + frames)


def webm_header():
    """The EBML header of a WebM file (DocType "webm") and an empty
    Segment: served as video/webm, but holding no frames to play.
    (A playable video needs an encoder; none is installed here.)"""
    def element(ident, payload):
        size = len(payload)
        return ident + bytes([0x80 | size]) + payload
    header = (element(b"\x42\x86", b"\x01") + element(b"\x42\xf7", b"\x01")
              + element(b"\x42\xf2", b"\x04") + element(b"\x42\xf3", b"\x08")
              + element(b"\x42\x82", b"webm") + element(b"\x42\x87", b"\x02")
              + element(b"\x42\x85", b"\x02"))
    return element(b"\x1a\x45\xdf\xa3", header) + b"\x18\x53\x80\x67\x80"


def text(lines=("Safety checklist", "1. Wear the helmet.", "2. Check the ladder.")):
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_all(folder):
    import os
    os.makedirs(folder, exist_ok=True)
    files = {"safety-2026.pdf": pdf(4, "Safety 2026"),
             "slides-induction.pdf": pdf(6, "Induction slides"),
             "site-map.png": png(64, 48),
             "briefing.wav": wav(60),
             "checklist.txt": text()}
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    return sorted(files)


if __name__ == "__main__":
    for written in write_all(sys.argv[1]):
        print(written)
