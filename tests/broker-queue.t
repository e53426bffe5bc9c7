# SPDX-License-Identifier: ISC
# Replies larger than a socket buffer reach the client whole: the broker
# queues them and drains the queue as the socket takes it. A pending list
# of ~600 KB (one request with ten 60,000-byte arguments) is read by hush
# pending intact (before the queue, the one non-blocking send tore it and
# hush pending failed), and a second client is served meanwhile.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"

tool show <<'EOF'
#!/bin/sh
echo "ran"
EOF
{
	grant_section show "$TOOLS/show" confirm=always
	grant_section quick "$TOOLS/show" confirm=never
} | broker_config confirm=terminal
check "broker starts" start_broker
big=$(head -c 60000 /dev/zero | tr '\0' x)
args=(); for i in 0 1 2 3 4 5 6 7 8 9; do args+=("$i$big"); done
nbh run --grant show -- show "${args[@]}" >"$T/bg.out" 2>&1 &
BG=$!
has_pending() { nbh pending 2>/dev/null | grep -q "grant=show"; }
check "the big request waits" wait_for has_pending
nbh pending >"$T/pending.out" 2>"$T/pending.err"; rc=$?
is "hush pending reads the whole ~600 KB reply" "$rc" 0
is "no error" "$(cat "$T/pending.err")" ""
is "all ten arguments arrived (shown shortened)" "$(grep -o ' [0-9]xx*\.\.\.' "$T/pending.out" | wc -l)" 10
like "the last one and the rest of the line too" "$(cat "$T/pending.out")" " 9xx*\.\.\.  cwd=$NB_HOME/work  pid=[0-9]+"
out=$(nbh run --grant quick -- show 2>&1); rc=$?
is "another client is served meanwhile" "$rc" 0
nbh deny >/dev/null; wait "$BG"
is "the denied big request exits 77" "$?" 77
stop_broker
