#!/usr/bin/env bash
# The ConfigStore of an --image (ESXi 7.0 and later): real SQLite databases
# built here inside state.tgz; `passthru list` shows its pci_devices records
# beside esx.conf (text, XML and JSON, valid against their schemas),
# `passthru disable|enable` says where it disagrees with the edited
# esx.conf; hostile databases give one line and leave the image alone.
. "$VIFS_SRCDIR/tests/lib/check.sh"
GOLDEN_DIR=$VIFS_SRCDIR/tests/cli/golden
V=$VIFS_BIN
MK="python3 $VIFS_SRCDIR/tests/lib/mkimage.py"
CS=$VIFS_FIXTURES/configstore
S=$VIFS_SRCDIR/docs/schemas
JV="python3 $VIFS_SRCDIR/tests/lib/json_valid.py"
S1=$VIFS_FIXTURES/pci/seed-sample1.esx.conf

# The rescue's image: the USB controller 000:29.x given to passthru in
# esx.conf, and the ConfigStore giving 0000:00:1d.7 to passthru too.
sed 's|^\(/device/000:29\.[0127]/owner = \)"vmkernel"|\1"passthru"|' "$S1" \
    >"$T/broken.conf"
$MK state "$T/cs.tgz" "$T/broken.conf" --cs-sql "$CS/store.sql"
cp "$T/cs.tgz" "$T/cs.orig"

golden image-cs-list 0 "$V" passthru list --image cs.tgz
golden image-cs-list-json 0 "$V" passthru list --image cs.tgz -o json
(cd "$T" && "$V" passthru list --image cs.tgz -o xml >cs.xml)
assert "list XML is valid against passthru.xsd" \
    xmllint --noout --schema "$S/passthru.xsd" "$T/cs.xml"
assert "list JSON is valid against its schema" \
    $JV "$S/passthru.schema.json" "$T/image-cs-list-json.out"
assert "XML and JSON: the same records" \
    test "$(xmllint --xpath 'count(//record)' "$T/cs.xml")" = 4
assert "conf list --image is not affected by the ConfigStore" \
    sh -c "'$V' conf list --image '$T/cs.tgz' >'$T/conf.out' 2>'$T/conf.err' &&
        test ! -s '$T/conf.err'"
assert "list writes nothing" cmp "$T/cs.tgz" "$T/cs.orig"

# The rescue: esx.conf gives the controller back, the ConfigStore still
# gives 0000:00:1d.7 to passthru: said, with what to do.
golden image-cs-disable-dry 0 "$V" passthru disable --image cs.tgz \
    --dry-run 000:29.0 000:29.1 000:29.2 000:29.7
expect_status 0 "$V" passthru disable --image cs.tgz \
    000:29.0 000:29.1 000:29.2 000:29.7
assert "disagreement named on stderr" \
    grep -q "ConfigStore still gives 0000:00:1d.7 to passthru" "$T/last.err"
assert "the ConfigStore itself is copied unchanged" \
    sh -c "$MK members '$T/cs.orig' | grep current-store-1 >'$T/a' &&
        $MK members '$T/cs.tgz' | grep current-store-1 >'$T/b' &&
        cmp '$T/a' '$T/b'"
# Agreement and no record: enable on a device the ConfigStore gives to
# passthru, and on one it does not know.
$MK state "$T/agree.tgz" "$S1" --cs-sql "$CS/store.sql"
golden image-cs-enable-agree 0 "$V" passthru enable --image agree.tgz \
    --dry-run --force 000:29.0 000:29.1 000:29.2 000:29.7
# A device already with the VMkernel in esx.conf, named again: what its
# record says is still told (here: a state vifs cannot read).
golden image-cs-noop-unknown 0 "$V" passthru disable --image agree.tgz \
    --dry-run 000:26.0
# Unexpected columns and a value that contradicts itself.
$MK state "$T/extra.tgz" "$S1" --cs-sql "$CS/extra.sql"
golden image-cs-extra 0 "$V" passthru list --image extra.tgz -o json
assert "extra: JSON valid" $JV "$S/passthru.schema.json" \
    "$T/image-cs-extra.out"

# Hostile ConfigStores: one line, list fails, an edit still goes ahead
# (the ConfigStore is never written) and says it cannot tell.
python3 - "$T/trunc.db" "$CS/store.sql" <<'PY'
import sqlite3, sys
db = sqlite3.connect(":memory:")
db.executescript(open(sys.argv[2]).read())
b = db.serialize()
open(sys.argv[1], "wb").write(b[:len(b) // 2])
PY
printf 'SQLite format 3\000%s' "$(head -c 200 /dev/zero | tr '\0' 'x')" \
    >"$T/garbage.db"
printf 'PK\003\004 not sqlite at all' >"$T/notsql.db"
$MK state "$T/fake.tgz" "$S1" --configstore
$MK state "$T/trunc.tgz" "$S1" --cs-raw "$T/trunc.db"
$MK state "$T/garbage.tgz" "$S1" --cs-raw "$T/garbage.db"
$MK state "$T/notsql.tgz" "$S1" --cs-raw "$T/notsql.db"
$MK state "$T/notable.tgz" "$S1" --cs-sql "$CS/notable.sql"
$MK state "$T/nocols.tgz" "$S1" --cs-sql "$CS/nocols.sql"
$MK state "$T/huge.tgz" "$S1" --cs-sql "$CS/huge.sql"
for f in fake trunc garbage notsql notable nocols huge; do
    cp "$T/$f.tgz" "$T/$f.orig"
    golden "image-cs-bad-$f" 1 "$V" passthru list --image "$f.tgz"
    assert "$f: one error line" \
        test "$(grep -c 'current-store-1: ' "$T/image-cs-bad-$f.err")" = 1
    expect_status 1 "$V" passthru list --image "$f.tgz" -o json
    assert "$f: JSON says unreadable" \
        python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["configstore"]; assert not c["readable"] and c["error"]' "$T/last.out"
    assert "$f: list leaves the image alone" cmp "$T/$f.tgz" "$T/$f.orig"
done
golden image-cs-bad-edit 0 "$V" passthru disable --image huge.tgz \
    --dry-run 000:27.0
finish
