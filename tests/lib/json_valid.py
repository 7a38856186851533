#!/usr/bin/env python3
"""json_valid.py SCHEMA [FILE...] - validates each JSON FILE (standard
input when none) against the JSON Schema SCHEMA (draft 2020-12) with
Debian's python3-jsonschema; the other *.schema.json files beside SCHEMA
resolve its references by their $id.  Prints every violation and exits 1
when one document is invalid, 2 when a file cannot be read or parsed."""
import glob
import json
import os
import sys
import warnings

import jsonschema


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validator(path):
    schema = load(path)
    store = {}
    for other in glob.glob(os.path.join(os.path.dirname(path) or ".",
                                        "*.schema.json")):
        s = load(other)
        store[s.get("$id", other)] = s
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        return cls(schema, resolver=resolver)


def main(argv):
    if len(argv) < 2:
        print("usage: json_valid.py SCHEMA [FILE...]", file=sys.stderr)
        return 2
    v = validator(argv[1])
    status = 0
    for name in argv[2:] or ["-"]:
        try:
            doc = json.load(sys.stdin) if name == "-" else load(name)
        except (OSError, ValueError) as e:
            print(f"{name}: {e}", file=sys.stderr)
            return 2
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{name}: /{where}: {e.message}", file=sys.stderr)
        if errors:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
