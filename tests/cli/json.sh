#!/usr/bin/env bash
# JSON output: golden documents of conf list/lint and passthru list, every
# document validated against its JSON Schema (python3-jsonschema), the same
# facts as the XML, hostile bytes, vifs-agent inventory --format json.
. "$VIFS_SRCDIR/tests/lib/check.sh"
GOLDEN_DIR=$VIFS_SRCDIR/tests/cli/golden
V=$VIFS_BIN
S=$VIFS_SRCDIR/docs/schemas
JV="python3 $VIFS_SRCDIR/tests/lib/json_valid.py"
AGENT=${VIFS_AGENT_BIN:-$VIFS_BUILDDIR/agent/vifs-agent}
export LSAN_OPTIONS="suppressions=$VIFS_SRCDIR/tests/cli/agent_lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export SOURCE_DATE_EPOCH=1700000000
python3 -c 'import jsonschema' ||
    tap_die "python3-jsonschema is missing (apt-get install python3-jsonschema)"
cp "$VIFS_FIXTURES/pci/seed-sample1.esx.conf" "$T/s1.conf"
cp "$VIFS_FIXTURES/pci/seed-sample2.esx.conf" "$T/s2.conf"
cd "$T"

golden conf-list-json 0 "$V" conf list --file s2.conf --output json /net/
golden conf-lint-sample2-json 1 "$V" conf lint --file s2.conf -o json
golden passthru-list-json 0 "$V" passthru list --file s1.conf --output json

# Every document against its schema; a broken document is refused.
for f in s1 s2; do
    "$V" conf list --file $f.conf -o json >"$T/$f-list.json"
    "$V" conf lint --file $f.conf -o json >"$T/$f-lint.json"
    "$V" passthru list --file $f.conf -o json >"$T/$f-pt.json"
    assert "$f: conf list JSON is valid" \
        $JV "$S/esxconf.schema.json" "$f-list.json"
    assert "$f: conf lint JSON is valid" \
        $JV "$S/lint.schema.json" "$f-lint.json"
    assert "$f: passthru list JSON is valid" \
        $JV "$S/passthru.schema.json" "$f-pt.json"
done
sed 's/"severity": "error"/"severity": "fatal"/' "$T/s2-lint.json" \
    >"$T/bad-lint.json"
expect_status 1 $JV "$S/lint.schema.json" bad-lint.json

# The same facts as the XML.
xml_count() { xmllint --xpath "count($2)" "$T/$1"; }
json_len() { python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))$2))" "$T/$1"; }
"$V" conf list --file s1.conf -o xml >"$T/s1-list.xml"
"$V" passthru list --file s1.conf -o xml >"$T/s1-pt.xml"
assert "conf list: as many entries as the XML" \
    test "$(xml_count s1-list.xml //entry)" = "$(json_len s1-list.json '["entries"]')"
assert "passthru list: the same addresses as the XML" \
    test "$(xmllint --xpath '//device/@address' "$T/s1-pt.xml" |
        sed 's/.*="\(.*\)"/\1/' | tr -d ' ' | paste -sd,)" = \
    "$(python3 -c 'import json,sys; print(",".join(d["address"] for d in json.load(open(sys.argv[1]))["devices"]))' "$T/s1-pt.json")"

# Hostile bytes: NUL, control bytes and invalid UTF-8 in keys and values
# still give valid JSON; what JSON cannot carry comes as hex.
printf '/a = "x\001y"\n/b\377 = "ok"\n/c = "\303\050"\n/d = "|00z"\n' \
    >"$T/hostile.conf"
"$V" conf list --file hostile.conf -o json >"$T/hostile.json"
assert "hostile: valid JSON" $JV "$S/esxconf.schema.json" hostile.json
assert "hostile: control byte escaped" grep -qF '"x\u0001y"' hostile.json
assert "hostile: NUL escaped" grep -qF '"\u0000z"' hostile.json
assert "hostile: invalid key as hex" \
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["entries"][1]; assert e["key"]=="2F62FF" and e["key_encoding"]=="hex"' hostile.json
assert "hostile: invalid value as hex" \
    python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))["entries"][2]; assert e["value"]=="C328" and e["value_encoding"]=="hex"' hostile.json
"$V" conf lint --file hostile.conf -o json >"$T/hostile-lint.json"
assert "hostile: lint JSON valid" $JV "$S/lint.schema.json" hostile-lint.json
golden conf-output-unknown 2 "$V" conf list --file s1.conf -o yaml

# vifs-agent inventory --format json: valid, the same devices and findings
# as the XML.
FIX=$VIFS_FIXTURES/pci
for s in bare esxconf; do
    set -- --dump "$FIX/seed-sample1.lspci"
    [ $s = esxconf ] && set -- "$@" --esxconf "$FIX/seed-sample1.esx.conf"
    "$AGENT" inventory -q "$@" --format json >"$T/$s-inv.json"
    "$AGENT" inventory -q "$@" >"$T/$s-inv.xml"
    assert "$s: inventory JSON is valid" \
        $JV "$S/inventory.schema.json" "$s-inv.json"
    assert "$s: inventory JSON has the XML's devices" \
        test "$(xml_count $s-inv.xml //devices/device)" = \
        "$(json_len $s-inv.json '["devices"]')"
    assert "$s: inventory JSON has the XML's findings" \
        test "$(xml_count $s-inv.xml //findings/finding)" = \
        "$(json_len $s-inv.json '["findings"]')"
    assert "$s: reset groups as in the XML" \
        test "$(xml_count $s-inv.xml //reset/with)" = \
        "$(python3 -c 'import json,sys; print(sum(len(d["reset"]["with"]) for d in json.load(open(sys.argv[1]))["devices"]))' "$T/$s-inv.json")"
done
"$AGENT" inventory -q --dump "$FIX/seed-sample1.lspci" \
    --esxconf "$FIX/seed-sample1.esx.conf" --boot-device 002:00.2 \
    --format json >"$T/roles-inv.json"
assert "roles: inventory JSON is valid" \
    $JV "$S/inventory.schema.json" roles-inv.json
assert "roles: the boot controller is marked" \
    python3 -c 'import json,sys; r=[(d["address"],x["name"],x["learned"]) for d in json.load(open(sys.argv[1]))["devices"] for x in d["roles"]]; assert ("0000:02:00.2","boot-controller","option") in r, r' roles-inv.json
# --from reads a finished inventory back: the same XML, the same JSON.
"$AGENT" inventory -q --from "$T/esxconf-inv.xml" >"$T/again.xml"
assert "--from gives the XML back byte for byte" cmp esxconf-inv.xml again.xml
"$AGENT" inventory -q --from "$T/esxconf-inv.xml" --format json >"$T/again.json"
assert "--from --format json gives the same JSON" cmp esxconf-inv.json again.json
expect_status 2 "$AGENT" inventory --from "$T/esxconf-inv.xml" \
    --dump "$FIX/seed-sample1.lspci"
expect_status 2 "$AGENT" inventory --dump "$FIX/seed-sample1.lspci" \
    --format yaml
finish
