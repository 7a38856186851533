#!/usr/bin/env python3
"""mkimage.py - ESXi saved-state archives for the tests, and their members.

  mkimage.py local  OUT ESXCONF [--format gnu|pax|ustar]
  mkimage.py state  OUT ESXCONF [--format F] [--configstore] [--encrypted]
                    [--cs-sql FILE] [--cs-raw FILE]
  mkimage.py bundle OUT ESXCONF [--format F] [--uuid U] [--build N]
  mkimage.py members IMAGE      print every member of every level
  mkimage.py esxconf IMAGE      print esx.conf from inside IMAGE

Members are varied on purpose: directories, modes 0400 and 0755, a
symlink, an empty file, a name too long for ustar (GNU and pax forms),
owners other than root, sub-second mtimes in pax.  --configstore adds a
ConfigStore member that is only an SQLite header; --cs-sql one built by
SQLite from the SQL of FILE (a real database); --cs-raw one holding the
bytes of FILE.  `members` prints one
line per member (level, name, type, mode, owner, mtime, size, SHA-256)
with the member that holds the next level listed by name only, so two
images can be compared with diff.
"""
import hashlib
import io
import sqlite3
import sys
import tarfile

FORMATS = {"gnu": tarfile.GNU_FORMAT, "pax": tarfile.PAX_FORMAT,
           "ustar": tarfile.USTAR_FORMAT}
LONG = ("etc/vmware/a-directory-with-a-rather-long-name-that-ustar-cannot-"
        "hold-in-its-hundred-bytes/and-a-file-inside-it.cfg")


def tgz(members, fmt):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=fmt) as t:
        for m in members:
            name, kind, mode, data = m[:4]
            ti = tarfile.TarInfo(name)
            ti.mode = mode
            ti.mtime = m[4] if len(m) > 4 else 1600000000
            ti.uid, ti.gid, ti.uname, ti.gname = 0, 0, "root", "root"
            if len(m) > 5:
                ti.uid, ti.uname = m[5], m[6]
            if kind == "d":
                ti.type = tarfile.DIRTYPE
            elif kind == "l":
                ti.type = tarfile.SYMTYPE
                ti.linkname = data.decode()
            else:
                ti.size = len(data)
            t.addfile(ti, io.BytesIO(data) if kind == "f" else None)
    return buf.getvalue()


def local(conf, fmt, configstore):
    m = [("etc", "d", 0o755, b""), ("etc/vmware", "d", 0o755, b""),
         ("etc/vmware/esx.conf", "f", 0o644, conf),
         ("etc/shadow", "f", 0o400, b"root:x:18000::::::\n"),
         ("etc/empty", "f", 0o644, b""),
         ("etc/rc.local.d/local.sh", "f", 0o755, b"#!/bin/sh\nexit 0\n",
          1600000123, 5, "daemon"),
         ("etc/vm", "l", 0o777, b"vmware")]
    if fmt != tarfile.USTAR_FORMAT:
        m.append((LONG, "f", 0o640, b"long\n"))
    if fmt == tarfile.PAX_FORMAT:
        m.append(("etc/subsecond", "f", 0o644, b"t\n", 1600000000.5))
    if configstore is not None:
        m.append(("var/lib/vmware/configstore/backup/current-store-1", "f",
                  0o600, configstore))
    return tgz(m, fmt)


def state(conf, fmt, configstore, encrypted):
    if encrypted:
        return tgz([("local.tgz.ve", "f", 0o644, b"\x00" * 256),
                    ("encryption.info", "f", 0o644, b"x")], fmt)
    return tgz([("local.tgz", "f", 0o644, local(conf, fmt, configstore)),
                ("jumpstrt.gz", "f", 0o644, b"\x1f\x8b jump")], fmt)


def levels(data, where=""):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as t:
        for ti in t.getmembers():
            body = t.extractfile(ti).read() if ti.isfile() else b""
            plain = ti.name.lstrip("./")
            inner = plain in ("state.tgz", "local.tgz", "etc/vmware/esx.conf")
            yield where, ti, body, inner
            if plain in ("state.tgz", "local.tgz"):
                yield from levels(body, where + plain + "/")


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd in ("members", "esxconf"):
        data = open(path, "rb").read()
        for where, ti, body, inner in levels(data):
            if cmd == "esxconf":
                if ti.name.lstrip("./") == "etc/vmware/esx.conf":
                    sys.stdout.buffer.write(body)
                continue
            if inner:
                print(f"{where}{ti.name} {ti.type!r} {ti.mode:o} "
                      f"{ti.uname}:{ti.gname}")
                continue
            print(f"{where}{ti.name} {ti.type!r} {ti.mode:o} {ti.uid}:"
                  f"{ti.gid} {ti.uname}:{ti.gname} {ti.mtime} {ti.size} "
                  f"{ti.linkname} {hashlib.sha256(body).hexdigest()}")
        return
    conf = open(sys.argv[3], "rb").read()
    opts = sys.argv[4:]
    fmt = FORMATS[opts[opts.index("--format") + 1]] if "--format" in opts \
        else tarfile.GNU_FORMAT
    enc = "--encrypted" in opts
    cs = b"SQLite format 3\0" + b"\0" * 48 if "--configstore" in opts \
        else None
    if "--cs-sql" in opts:
        db = sqlite3.connect(":memory:")
        db.executescript(open(opts[opts.index("--cs-sql") + 1]).read())
        db.commit()
        cs = db.serialize()
        db.close()
    if "--cs-raw" in opts:
        cs = open(opts[opts.index("--cs-raw") + 1], "rb").read()
    if cmd == "local":
        out = local(conf, fmt, cs)
    elif cmd == "state":
        out = state(conf, fmt, cs, enc)
    else:
        uuid = opts[opts.index("--uuid") + 1] if "--uuid" in opts else "1"
        build = opts[opts.index("--build") + 1] if "--build" in opts else "1"
        manifest = f"UUID={uuid}\nBUILD={build}\n".encode()
        out = tgz([("Manifest.txt", "f", 0o644, manifest),
                   ("state.tgz", "f", 0o644, state(conf, fmt, cs, False))],
                  fmt)
    open(path, "wb").write(out)


main()
