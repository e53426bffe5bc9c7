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

ROOT = "packages/@secretlint/"
LEFT_OUT = {"example", "filter-comments", "no-homedir", "pattern"}


class Tree:
    def __init__(self, path):
        self.path = path
        self.git = not os.path.isdir(os.path.join(path, "packages")) and \
            os.path.exists(os.path.join(path, "HEAD"))

    def _git(self, *args):
        return subprocess.run(["git", "--git-dir", self.path] + list(args), check=True,
                              capture_output=True).stdout

    def files(self):
        if self.git:
            out = self._git("ls-tree", "-r", "--name-only", "-z", "HEAD", ROOT).decode()
        else:
            out = subprocess.run(["git", "-C", self.path, "ls-files", "-z", ROOT], check=True,
                                 capture_output=True).stdout.decode()
        return sorted(f for f in out.split("\0") if f)

    def read(self, p):
        if self.git:
            return self._git("show", "HEAD:" + p)
        with open(os.path.join(self.path, p), "rb") as f:
            return f.read()

    def commit(self):
        try:
            if self.git:
                return self._git("rev-parse", "HEAD").decode().strip()
            return subprocess.run(["git", "-C", self.path, "rev-parse", "HEAD"], check=True,
                                  capture_output=True).stdout.decode().strip()
        except (subprocess.CalledProcessError, OSError):
            return "unknown"


def cases(tree):
    """rule -> case -> [file names] of the snapshot directories."""
    out = {}
    for f in tree.files():
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
    args = sys.argv[1:]
    if len(args) != 2:
        sys.exit(__doc__)
    tree = Tree(args[0])
    out = args[1]
    manifest = {"commit": tree.commit(), "seed": 0, "rules": [], "examples": [], "failed_rules": []}
    for rule, cs in sorted(cases(tree).items()):
        manifest["rules"].append({"func": rule, "id": rule, "provider": rule, "skipped": 0})
        for case, names in sorted(cs.items()):
            base = "%ssecretlint-rule-%s/test/snapshots/%s/" % (ROOT, rule, case)
            inputs = [n for n in names if n == "input" or n.startswith("input.")]
            if "options.ts" in names:
                inputs = input_path(tree.read(base + "options.ts").decode())
            if "output.json" not in names or len(inputs) != 1 or inputs[0] not in names or \
                    ".secretlintrc.json" in names:
                manifest["failed_rules"].append({"func": "%s/%s" % (rule, case),
                                                 "why": "options of its own or no single input"})
                continue
            try:
                msgs = json.loads(tree.read(base + "output.json")).get("messages") or []
                data = tree.read(base + inputs[0])
            except (subprocess.CalledProcessError, OSError, ValueError) as e:
                manifest["failed_rules"].append({"func": "%s/%s" % (rule, case), "why": str(e)[:200]})
                continue
            kind = "tp" if msgs else "fp"
            safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in case)
            rel = os.path.join(rule, "%s-%s.d" % (kind, safe), inputs[0])
            full = os.path.join(out, rel)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "wb") as fh:
                fh.write(data)
            manifest["examples"].append({"file": rel, "kind": kind, "rule": rule, "provider": rule})
    with open(os.path.join(out, "manifest.json"), "w") as fh:
        json.dump(manifest, fh, indent=1)
    print("secretlint_examples: %d rules, %d examples, %d cases left out"
          % (len(manifest["rules"]), len(manifest["examples"]), len(manifest["failed_rules"])),
          file=sys.stderr)


if __name__ == "__main__":
    main()
