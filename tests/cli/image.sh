#!/usr/bin/env bash
# `vifs conf` and `vifs passthru` with --image: esx.conf inside state.tgz,
# local.tgz and configuration bundles built here (GNU, pax and ustar
# members of every kind); every other member survives byte for byte, the
# original is backed up, refusals and bad input leave the file alone.
. "$VIFS_SRCDIR/tests/lib/check.sh"
GOLDEN_DIR=$VIFS_SRCDIR/tests/cli/golden
V=$VIFS_BIN
MK="python3 $VIFS_SRCDIR/tests/lib/mkimage.py"
S1=$VIFS_FIXTURES/pci/seed-sample1.esx.conf
cp "$S1" "$T/s1.conf"

# Members of IMAGE but esx.conf and the archives holding it must equal
# those of ORIG; esx.conf inside must equal WANT.
lossless() {
    local orig=$1 image=$2 want=$3
    $MK members "$T/$orig" >"$T/m.orig" &&
        $MK members "$T/$image" >"$T/m.new" &&
        diff -u "$T/m.orig" "$T/m.new" &&
        $MK esxconf "$T/$image" >"$T/conf.new" &&
        cmp "$T/conf.new" "$want" &&
        gzip -t "$T/$image"
}

for kind in state local bundle; do
    for fmt in gnu pax ustar; do
        f=$kind-$fmt.tgz
        $MK "$kind" "$T/$f" "$S1" --format "$fmt"
        cp "$T/$f" "$T/$f.orig"
        expect_status 0 "$V" passthru disable --image "$f" 0000:00:1b.0
        sed 's|^/device/000:27.0/owner = "passthru"|/device/000:27.0/owner = "vmkernel"|' \
            "$S1" >"$T/want.conf"
        assert "$f: only esx.conf changed, every member kept" \
            lossless "$f.orig" "$f" "$T/want.conf"
        assert "$f: backup beside it, byte for byte" \
            cmp "$(ls "$T"/*-"$f" | head -n 1)" "$T/$f.orig"
        assert "$f: the backup is named on stderr" \
            grep -q "backup of $f as it was: .*-$f\$" "$T/last.err"
        rm -f "$T"/*-"$f"
    done
done

# The rescue: USB controller 000:29.x back to the VMkernel in a state.tgz.
sed 's|^\(/device/000:29\.[0127]/owner = \)"vmkernel"|\1"passthru"|' "$S1" \
    >"$T/broken.conf"
$MK state "$T/state.tgz" "$T/broken.conf"
cp "$T/state.tgz" "$T/state.orig"
golden image-dry-run 0 "$V" passthru disable --image state.tgz --dry-run \
    000:29.0 000:29.1 000:29.2 000:29.7
assert "--dry-run writes nothing" cmp "$T/state.tgz" "$T/state.orig"
expect_status 0 "$V" passthru disable --image state.tgz --backup-dir bk \
    000:29.0 000:29.1 000:29.2 000:29.7
assert "rescued: esx.conf as the sample again" lossless state.orig \
    state.tgz "$S1"
assert "--backup-dir holds the original" cmp "$T"/bk/*-state.tgz state.orig
golden image-get 0 "$V" conf get --image state.tgz /device/000:29.7/owner

# Same refusals as a live edit: passthru safety, lint of touched lines.
cp "$T/state.tgz" "$T/state.orig"
golden image-refuse-vmhba 1 "$V" passthru enable --image state.tgz 000:31.2
golden image-refuse-split 1 "$V" passthru enable --image state.tgz 00:1a.0
printf '/adv/Misc/HostName "esx01"\n/adv/Net/Other = "1"\n' >"$T/bad.conf"
$MK state "$T/lint.tgz" "$T/bad.conf"
cp "$T/lint.tgz" "$T/lint.orig"
golden image-refuse-lint 1 "$V" conf set --image lint.tgz \
    /adv/Misc/HostName esx02
assert "refusals leave the images alone" \
    cmp "$T/state.tgz" "$T/state.orig"
assert "a refused lint leaves the image alone" cmp lint.tgz lint.orig
assert "no backup for a refused edit" \
    test "$(ls "$T"/*-state.tgz "$T"/*-lint.tgz 2>/dev/null | wc -l)" = 0

# ESXi 7.0+: a ConfigStore in local.tgz is reported on passthru edits.
$MK state "$T/cs.tgz" "$S1" --configstore
golden image-configstore 0 "$V" passthru disable --image cs.tgz --dry-run \
    0000:00:1b.0

# Bad input: one line, exit 1, the file untouched.
$MK state "$T/enc.tgz" "$S1" --encrypted
printf 'not an archive\n' >"$T/text.tgz"
head -c 300 "$T/state.orig" >"$T/cut.tgz"
printf '[' >"$T/x"
python3 - "$T/noconf.tgz" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as t:
    ti = tarfile.TarInfo("etc/motd"); ti.size = 3
    t.addfile(ti, io.BytesIO(b"hi\n"))
PY
for f in enc text cut noconf; do
    cp "$T/$f.tgz" "$T/$f.orig"
    golden "image-bad-$f" 1 "$V" passthru disable --image "$f.tgz" 000:27.0
    assert "$f.tgz untouched" cmp "$T/$f.tgz" "$T/$f.orig"
done
golden image-missing 1 "$V" conf list --image none.tgz
golden image-and-file 2 "$V" conf list --image state.tgz --file s1.conf
finish
