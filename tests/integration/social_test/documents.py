"""Small documents made at test (or demo) time, so no binary sits in the
repository: a valid PDF of N pages written by hand, a PNG, a WAV of
silence, plain text, and, made with Debian's ffmpeg (scripts/deps
installs it), a playable WebM video (160x90, 1 frame a second, 60 s,
ffmpeg's test pattern with its running counter, no audio, about 40 KB)
and an Ogg Opus tone.

Run as a script to write them into a folder:
    /usr/bin/python3 documents.py FOLDER
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def pdf(pages=3, title="Document", info=True, info_title=None, padding=0):
    """A PDF 1.4 file of `pages` pages, each saying its number, with an
    Info dictionary holding the title (none with info=False; info_title:
    the /Title's string token as bytes, e.g. a UTF-16 hex string); byte
    offsets in the xref table are exact, so viewers open it without
    repair. padding: an unused stream of that many bytes after the Info
    dictionary, so the Info sits at the start and the trailer at the end
    of a large file."""
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
    if info_title is None:
        info_title = ("(%s)" % title).encode("latin-1")
    objects.append(b"<< /Title " + info_title + b" /Producer (mod_social tests) >>")
    info_number = len(objects)
    if padding:
        objects.append(b"<< /Length %d >>\nstream\n" % padding + b"%" * padding
                       + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    info_ref = b" /Info %d 0 R" % info_number if info else b""
    out += (b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, info_ref, xref))
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


# What ffmpeg made, once per process and, under SOCIAL_TEST_RUNDIR, once per run.
_MADE = {}


def _ffmpeg(name, args):
    """The bytes of the file ffmpeg writes with args (then the output
    file), cached as `name` under $SOCIAL_TEST_RUNDIR (or a temporary
    folder); fails clearly when ffmpeg is missing (scripts/deps installs
    it) or cannot make the file."""
    if name in _MADE:
        return _MADE[name]
    ffmpeg = shutil.which("ffmpeg") or ("/usr/bin/ffmpeg" if os.path.exists("/usr/bin/ffmpeg")
                                        else None)
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed: the documents' test media are made with "
                           "it (run scripts/deps as root, or apt-get install ffmpeg)")
    parent = os.environ.get("SOCIAL_TEST_RUNDIR") or tempfile.gettempdir()
    os.makedirs(parent, exist_ok=True)
    path = os.path.join(parent, "social-test-" + name)
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        partial = tempfile.NamedTemporaryFile(dir=parent, prefix=".media-", delete=False).name
        done = subprocess.run([ffmpeg, "-nostdin", "-v", "error", "-y"] + args + [partial],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if done.returncode != 0 or os.path.getsize(partial) == 0:
            os.unlink(partial)
            raise RuntimeError("ffmpeg could not make %s (exit %d): %s"
                               % (name, done.returncode,
                                  done.stderr.decode(errors="replace")[-500:]))
        os.chmod(partial, 0o644)
        os.replace(partial, path)
    with open(path, "rb") as f:
        _MADE[name] = f.read()
    return _MADE[name]


def webm_video(seconds=60):
    """A playable WebM (VP8, 160x90, 1 fps, `seconds` long, a keyframe
    every 10 s, no audio track): ffmpeg's lavfi testsrc, whose frames show
    a running counter, so a seek to 0:42 shows "42". About 40 KB."""
    return _ffmpeg("video-%ds.webm" % seconds, [
        "-f", "lavfi", "-i", "testsrc=size=160x90:rate=1:duration=%d" % seconds,
        "-c:v", "libvpx", "-crf", "50", "-b:v", "10k", "-qmax", "63", "-g", "10",
        "-an", "-f", "webm"])


def ogg_audio(seconds=50):
    """A playable Ogg Opus file: a 440 Hz tone, mono, 6 kbit/s, `seconds`
    long (50 s is about 40 KB). Chromium plays it; it does not play the
    1000 Hz WAV that wav() writes for small sizes (its lowest rate is
    3000 Hz)."""
    return _ffmpeg("tone-%ds.ogg" % seconds, [
        "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=%d" % seconds,
        "-ac", "1", "-c:a", "libopus", "-b:a", "6k", "-f", "ogg"])


def text(lines=("Safety checklist", "1. Wear the helmet.", "2. Check the ladder.")):
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_all(folder):
    os.makedirs(folder, exist_ok=True)
    files = {"safety-2026.pdf": pdf(4, "Safety 2026"),
             "slides-induction.pdf": pdf(6, "Induction slides"),
             "site-map.png": png(64, 48),
             # media browsers play: an Opus tone and a VP8 video (ffmpeg)
             "briefing.ogg": ogg_audio(60),
             "induction.webm": webm_video(60),
             "checklist.txt": text()}
    for name, data in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    return sorted(files)


if __name__ == "__main__":
    for written in write_all(sys.argv[1]):
        print(written)
