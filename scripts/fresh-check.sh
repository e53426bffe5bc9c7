#!/bin/sh
# SPDX-License-Identifier: ISC
# The README's two commands on a fresh clone, in CI order: make demo, then
# make check RUNS times (default 3), failing when any run fails or when the
# per-file test counts differ between runs (an order- or timing-dependent
# test). --load keeps one core busy during the last run.
#   scripts/fresh-check.sh [--load] [RUNS]
set -eu
load=no
[ "${1:-}" = --load ] && { load=yes; shift; }
runs=${1:-3}
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/hush-fresh.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q "$src" "$work/hush"
cd "$work/hush"
echo "fresh-check: make demo"
make demo >"$work/demo.log" 2>&1 || { tail -20 "$work/demo.log"; echo "fresh-check: make demo failed" >&2; exit 1; }
i=1
while [ "$i" -le "$runs" ]; do
	busy=
	if [ "$load" = yes ] && [ "$i" -eq "$runs" ]; then
		sh -c 'while :; do :; done' &
		busy=$!
	fi
	echo "fresh-check: make check, run $i of $runs${busy:+ (one core kept busy)}"
	rc=0
	make check >"$work/check$i.log" 2>&1 || rc=$?
	[ -n "$busy" ] && kill "$busy"
	tail -1 "$work/check$i.log"
	[ "$rc" -eq 0 ] || { grep -E '^not ok|^# failed' "$work/check$i.log" | head -20; exit 1; }
	awk '/^# --- /{n=$3} /^(not )?ok /{c[n]++} END{for (k in c) print k, c[k]}' "$work/check$i.log" |
		sort >"$work/counts$i"
	if [ "$i" -gt 1 ] && ! cmp -s "$work/counts1" "$work/counts$i"; then
		echo "fresh-check: per-file counts differ between run 1 and run $i:" >&2
		diff "$work/counts1" "$work/counts$i" >&2 || true
		exit 1
	fi
	i=$((i + 1))
done
echo "fresh-check: $runs runs, same per-file counts"
