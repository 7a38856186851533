# results.sh - the JSON document of a fleet run (--output json) in the
# integration tests: keep the last standard output, check it against
# docs/schemas/fleet-results.schema.json, read values out of it.
# Needs tap.sh, and $W and $OUT as legacy.sh sets them.

RESULTS_SCHEMA=$VIFS_SRCDIR/docs/schemas/fleet-results.schema.json
python3 -c 'import jsonschema' ||
    tap_die "python3-jsonschema is missing (apt-get install python3-jsonschema)"

# valid NAME: the last standard output is one document valid against the
# schema; it is kept as $W/NAME.json.
valid() {
    printf '%s\n' "$OUT" >"$W/$1.json"
    tap_run "$1: the document is valid against the schema" \
        python3 "$VIFS_SRCDIR/tests/lib/json_valid.py" "$RESULTS_SCHEMA" \
        "$W/$1.json"
}

# jv NAME EXPR: the value of the Python expression EXPR over the document
# d of NAME (h: its hosts by name); strings as they are, the rest as JSON.
jv() {
    python3 - "$W/$1.json" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
h = {x["name"]: x for x in d["hosts"]}
v = eval(sys.argv[2])
print(v if isinstance(v, str) else json.dumps(v))
PY
}
