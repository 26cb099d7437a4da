# SPDX-License-Identifier: GPL-3.0-or-later
"""validate_json.py: checks a plugin's --json document (standard input) against docs/check_celery.schema.json
with Debian's python3-jsonschema; prints each violation and exits 1 if there is one.

Usage: python3 validate_json.py SCHEMA < document
"""
import json
import sys

import jsonschema


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    try:
        doc = json.load(sys.stdin)
    except ValueError as e:
        print("not JSON: %s" % e)
        return 1
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors:
        print("%s: %s" % ("/".join(str(p) for p in e.path) or "(document)", e.message))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
