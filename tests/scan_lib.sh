# SPDX-License-Identifier: ISC
# Helpers shared by the scan tests (sourced after lib.sh).

# A GitHub-format token with a valid CRC32 suffix: PREFIX + 30 random
# base62 characters + the 6-character base62 CRC32 of those 30.
ghtok() {
	python3 -c '
import os, sys, zlib
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
r = "".join(A[b % 62] for b in os.urandom(30))
c, s = zlib.crc32(r.encode()), ""
for _ in range(6):
    s = A[c % 62] + s; c //= 62
print(sys.argv[1] + r + s)' "${1:-ghp_}"
}

# N random characters from ALPHABET (default: lower case and digits).
rnd() {
	python3 -c 'import random, sys; A = sys.argv[2]; print("".join(random.SystemRandom().choice(A) for _ in range(int(sys.argv[1]))))' \
		"$1" "${2:-abcdefghijklmnopqrstuvwxyz0123456789}"
}

# Findings of a JSON report on stdin as sorted "file:line:rule[:sandbox]"
# lines, file relative to $1 when given; $2 = sandbox adds the visibility.
scan_findings() {
	python3 -c '
import json, sys
root, extra = sys.argv[1], sys.argv[2]
for f in json.load(sys.stdin)["findings"]:
    p = f["file"]
    if root and p.startswith(root + "/"):
        p = p[len(root) + 1:]
    print("%s:%d:%s%s" % (p, f["line"], f["rule"], ":" + f["sandbox"] if extra == "sandbox" else ""))' "${1:-}" "${2:-}" | sort
}
