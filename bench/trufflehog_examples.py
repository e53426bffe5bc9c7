#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Extracts the example secrets of trufflehog's detectors into a corpus,
for bench/recall. Each detector's pkg/detectors/<name>/[<version>/]*_test.go
(not the integration tests) holds a Test*_Pattern function whose table
`tests := []struct{...}{...}` lists inputs and the secrets trufflehog must
find in them: an input with a non-empty `want` is a positive, one with an
empty `want` a negative. The Go is evaluated with the small interpreter of
bench/gitleaks_examples.py (the file's var and const declarations, then the
table); whatever it cannot evaluate is counted as skipped.

  trufflehog_examples.py CHECKOUT OUTDIR

CHECKOUT is a trufflehog work tree or bare git directory. OUTDIR gets
OUTDIR/<detector>/<test>/tp-NNN (or fp-NNN) and OUTDIR/manifest.json, in
the format of gitleaks_examples.py. Nothing of trufflehog is kept
elsewhere: the corpus is made at run time."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gitleaks_examples import ERRORS, Interp, Parser, add_example, begin, finish, tokenize  # noqa: E402


def test_files(src):
    """pkg/detectors/**/X_test.go, integration tests left out."""
    return [f for f in src.files("pkg/detectors/") if f.endswith("_test.go") and
            "integration" not in f and f.count("/") >= 3]


def tables(toks, start, end):
    """Token positions after `tests :=` (or `tests = `) in a body."""
    for i in range(start, end - 2):
        if toks[i] == ("id", "tests") and toks[i + 1][1] in (":=", "=") and toks[i + 1][0] == "op":
            yield i + 2


def strings_of(v):
    if isinstance(v, str):
        return [v]
    if isinstance(v, (list, tuple)):
        return [x for x in v if isinstance(x, str)]
    if isinstance(v, dict):
        return [x for x in v.values() if isinstance(x, str)] or [str(k) for k in v]
    return []


def examples_of(it, pkg, toks, pos):
    """(input, wants) of each entry of the table at toks[pos]."""
    p = Parser(toks)
    p.i = pos
    e = p.expr()
    env = {}
    table = it.eval(e, env, pkg)
    out = []
    for row in table if isinstance(table, list) else []:
        if not isinstance(row, dict):
            continue
        inp = row.get("input", row.get("data"))
        if isinstance(inp, bytes):
            inp = inp.decode("latin-1")
        if not isinstance(inp, str):
            it.skipped += 1
            continue
        want = row.get("want", row.get("wantSecrets"))
        out.append((inp, strings_of(want)))
    return out


def main():
    src, out, manifest, _ = begin(__doc__)
    it = Interp(src, 1)
    for f in test_files(src):
        parts = f.split("/")
        det = parts[2]
        test = "-".join(parts[3:-1] + [parts[-1][:-8]]) or det
        try:
            toks = tokenize(src.read(f))
            decls = Parser(toks).file(ranges=True)
        except ERRORS as e:
            manifest["failed_rules"].append({"func": f, "why": "cannot read: %s" % str(e)[:200]})
            continue
        pkg = "t:" + f
        it.pkgs[pkg] = {"imports": decls["imports"], "vars": decls["vars"], "funcs": {},
                        "globals": None, "files": {}}
        found = []
        for name, (s, e) in sorted(decls["funcs"].items()):
            if not (name.startswith("Test") and name.endswith("Pattern")):
                continue
            for pos in tables(toks, s, e):
                try:
                    found += examples_of(it, pkg, toks, pos)
                except ERRORS as err:
                    manifest["failed_rules"].append({"func": "%s:%s" % (f, name), "why": str(err)[:200]})
        if not found:
            continue
        rule = "%s/%s" % (det, test)
        manifest["rules"].append({"func": f, "id": rule, "provider": det, "skipped": 0})
        nk = {"tp": 0, "fp": 0}
        for inp, want in found:
            kind = "tp" if want else "fp"
            rel = os.path.join(det, test, "%s-%03d" % (kind, nk[kind]))
            nk[kind] += 1
            add_example(manifest, out, rel, kind, rule, det, inp)
    finish(out, manifest, "trufflehog_examples: %d detectors' tests, %d examples, %d tables not evaluated, "
           "%d items skipped" % (len(manifest["rules"]), len(manifest["examples"]),
                                 len(manifest["failed_rules"]), it.skipped))


if __name__ == "__main__":
    main()
