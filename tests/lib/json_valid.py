#!/usr/bin/env python3
"""json_valid.py SCHEMA [FILE...] - validates each JSON FILE (standard
input when none) against the JSON Schema SCHEMA (draft 2020-12) with
Debian's python3-jsonschema; prints every violation and exits 1 when one
document is invalid, 2 when a file cannot be read or parsed."""
import json
import sys

import jsonschema


def main(argv):
    if len(argv) < 2:
        print("usage: json_valid.py SCHEMA [FILE...]", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    status = 0
    for name in argv[2:] or ["-"]:
        try:
            if name == "-":
                doc = json.load(sys.stdin)
            else:
                with open(name, encoding="utf-8") as f:
                    doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{name}: {e}", file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(doc), key=lambda e: e.path)
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path)
            print(f"{name}: /{where}: {e.message}", file=sys.stderr)
        if errors:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
