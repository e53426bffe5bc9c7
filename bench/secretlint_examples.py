#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Extracts the example inputs of secretlint's rules into a corpus, for
bench/recall. Each rule keeps snapshot tests in
packages/@secretlint/secretlint-rule-<name>/test/snapshots/<case>/: an
input file (input, input.txt, input.yml, input.p12, ...) and output.json,
what secretlint reports on it. An input with messages in its output is a
positive, one without a negative. Cases run with options of their own
(.secretlintrc.json, options.ts with more than inputFilePath) are left
out, and so are the presets
(copies of the rules' cases) and the rules that are not about secrets in a
file's text (example, filter-comments, no-homedir, pattern).

  secretlint_examples.py CHECKOUT OUTDIR

CHECKOUT is a secretlint work tree or bare git directory. OUTDIR gets
OUTDIR/<rule>/<case>.d/<input file> and OUTDIR/manifest.json, in the
format of gitleaks_examples.py. Nothing of secretlint is kept elsewhere:
the corpus is made at run time."""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gitleaks_examples import add_example, begin, finish  # noqa: E402

ROOT = "packages/@secretlint/"
LEFT_OUT = {"example", "filter-comments", "no-homedir", "pattern"}


def cases(tree):
    """rule -> case -> [file names] of the snapshot directories."""
    out = {}
    for f in tree.files(ROOT):
        parts = f[len(ROOT):].split("/")
        if len(parts) != 5 or parts[1:3] != ["test", "snapshots"]:
            continue
        if not parts[0].startswith("secretlint-rule-"):
            continue
        rule = parts[0][len("secretlint-rule-"):]
        if rule.startswith("preset-") or rule in LEFT_OUT:
            continue
        out.setdefault(rule, {}).setdefault(parts[3], []).append(parts[4])
    return out


def input_path(ts):
    """[the input file] of an options.ts that sets only inputFilePath."""
    body = re.search(r"options\s*=\s*\{(.*?)\}", ts, re.S)
    keys = re.findall(r"(\w+)\s*:", body.group(1)) if body else []
    m = re.search(r"inputFilePath\s*:\s*[\"']([^\"'/]+)[\"']", ts)
    return [m.group(1)] if keys == ["inputFilePath"] and m else []


def main():
    tree, out, manifest, _ = begin(__doc__)
    for rule, cs in sorted(cases(tree).items()):
        manifest["rules"].append({"func": rule, "id": rule, "provider": rule, "skipped": 0})
        for case, names in sorted(cs.items()):
            base = "%ssecretlint-rule-%s/test/snapshots/%s/" % (ROOT, rule, case)
            inputs = [n for n in names if n == "input" or n.startswith("input.")]
            if "options.ts" in names:
                inputs = input_path(tree.read(base + "options.ts"))
            if "output.json" not in names or len(inputs) != 1 or inputs[0] not in names or \
                    ".secretlintrc.json" in names:
                manifest["failed_rules"].append({"func": "%s/%s" % (rule, case),
                                                 "why": "options of its own or no single input"})
                continue
            try:
                msgs = json.loads(tree.read(base + "output.json")).get("messages") or []
                data = tree.read_bytes(base + inputs[0])
            except (subprocess.CalledProcessError, OSError, ValueError) as e:
                manifest["failed_rules"].append({"func": "%s/%s" % (rule, case), "why": str(e)[:200]})
                continue
            kind = "tp" if msgs else "fp"
            safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in case)
            rel = os.path.join(rule, "%s-%s.d" % (kind, safe), inputs[0])
            add_example(manifest, out, rel, kind, rule, rule, data)
    finish(out, manifest, "secretlint_examples: %d rules, %d examples, %d cases left out"
           % (len(manifest["rules"]), len(manifest["examples"]), len(manifest["failed_rules"])))


if __name__ == "__main__":
    main()
