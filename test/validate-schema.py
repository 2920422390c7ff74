#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Validate rebind-bench results documents against the JSON Schema.

Usage: validate-schema.py [--schema FILE] DOCUMENT...
Exits 0 when every document is valid, 1 when any is not (each error is
printed with its JSON path), 2 on usage errors or an invalid schema.
"""
import argparse
import json
import os
import sys

import jsonschema


def default_schema():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get('RB_SCHEMA') or os.path.join(
        here, '..', 'schema', 'rebind-bench-results.schema.json')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--schema', default=default_schema())
    ap.add_argument('documents', nargs='+')
    args = ap.parse_args()

    try:
        with open(args.schema, encoding='utf-8') as f:
            schema = json.load(f)
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f'{args.schema}: unusable schema: {e}', file=sys.stderr)
        return 2
    validator = cls(schema)

    bad = 0
    for path in args.documents:
        try:
            with open(path, encoding='utf-8') as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f'{path}: not JSON: {e}')
            bad += 1
            continue
        errors = sorted(validator.iter_errors(doc),
                        key=lambda e: list(e.absolute_path))
        for e in errors:
            where = ''.join(f'[{p}]' if isinstance(p, int) else f'.{p}'
                            for p in e.absolute_path) or '(root)'
            print(f'{path}: {where}: {e.message}')
        if errors:
            bad += 1
        else:
            print(f'{path}: valid')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
