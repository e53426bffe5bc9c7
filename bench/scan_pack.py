#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Writes a gitleaks-format rule pack for bench/scan: OUT.toml with 200
rules shaped like gitleaks' default set (159 provider-prefix rules, 40
vendor-name context rules, one generic rule) and OUT-nogeneric.toml without
the generic rule. Vendor names are made-up syllables, so a secret-free tree
has no true matches.   usage: scan_pack.py OUT"""
import random
import sys

R = random.Random(7)
words = set()
while len(words) < 200:
    words.add("".join(R.choice("bcdfghjklmnpqrstvwxz") + R.choice("aeiou") for _ in range(4)))
words = sorted(words)

CONTEXT = (r"(?i)[\w.-]{0,50}?(?:%s)(?:[ \t\w.-]{0,20})[\s'" '"' r"]{0,3}"
           r"(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'" '"' r"\s=]{0,5}([a-z0-9]{32})"
           r"(?:[\x60'" '"' r"\s;]|\\[nr]|$)")
GENERIC = (r"(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)"
           r"(?:[ \t\w.-]{0,20})[\s'" '"' r"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'" '"' r"\s=]{0,5}"
           r"([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'" '"' r"\s;]|\\[nr]|$)")


def rule(rid, regex, keywords, entropy=None):
    out = ["[[rules]]", 'id = "%s"' % rid, "regex = '''%s'''" % regex]
    if entropy:
        out.append("entropy = %s" % entropy)
    out.append("keywords = [%s]" % ", ".join('"%s"' % k for k in keywords))
    return "\n".join(out) + "\n"


head = 'title = "bench pack"\n\n[extend]\nuseDefault = true\n\n'
rules = [rule("%s-token" % w, r"\b%s_[A-Za-z0-9]{32}\b" % w[:4], [w[:4] + "_"]) for w in words[:159]]
rules += [rule("%s-api-key" % w, CONTEXT % w, [w]) for w in words[159:199]]
generic = rule("generic-api-key", GENERIC,
               ["access", "api", "auth", "key", "credential", "creds", "passwd", "password", "secret", "token"],
               entropy=3.5)
with open(sys.argv[1] + ".toml", "w") as f:
    f.write(head + "\n".join(rules + [generic]))
with open(sys.argv[1] + "-nogeneric.toml", "w") as f:
    f.write(head + "\n".join(rules))
