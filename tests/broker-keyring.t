# SPDX-License-Identifier: ISC
# Keyring vaults with the broker, as an unprivileged user on a private D-Bus
# session with gnome-keyring: the broker fetches the key itself (no
# passphrase anywhere), hush lock forgets it, hush unlock fetches it again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/broker_lib.sh"
for c in dbus-run-session gnome-keyring-daemon; do
	if ! command -v "$c" >/dev/null; then skip "$c not installed"; exit 0; fi
done
tool sha <<'EOF'
#!/bin/sh
printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1
printf 'value:%s\n' "$TOKEN"
EOF
grant_section sha "$TOOLS/sha" secrets=TOKEN | broker_config
mkdir -p "$NB_HOME/xdg"; chmod 0700 "$NB_HOME/xdg"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME"
printf '%s' "$V" >"$T/value"; chmod 0644 "$T/value"
cat >"$T/kr.sh" <<EOF
#!/bin/bash
h=$NB_BIN/hush
printf kr-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 || { echo "no-keyring"; exit 0; }
\$h init --keyring >/dev/null 2>&1 || { echo "no-keyring"; exit 0; }
\$h set TOKEN <"$T/value" >/dev/null 2>&1; echo "set=\$?"
out=\$(\$h run -- sha 2>&1); echo "run=\$?"
echo "\$out" | sed 's/^/out: /'
\$h status | sed 's/^/status1: /'
\$h lock >/dev/null; \$h status | sed 's/^/status2: /'
\$h unlock >/dev/null 2>&1; echo "unlock=\$?"
\$h status | sed 's/^/status3: /'
out=\$(\$h run -- sha 2>&1); echo "run2=\$?"
\$h stop >/dev/null 2>&1
EOF
chmod 0755 "$T/kr.sh"
at_exit "[ -f '$RT/hushd.pid' ] && kill \$(cat '$RT/hushd.pid')"
res=$(cd "$NB_HOME/work" && as_nobody env XDG_RUNTIME_DIR="$NB_HOME/xdg" dbus-run-session -- "$T/kr.sh" 2>&1)
if grep -q no-keyring <<<"$res"; then
	skip "gnome-keyring cannot start a Secret Service here"
	exit 0
fi
like "hush set into a keyring vault" "$res" "set=0"
like "run with a keyring vault: the broker fetched the key itself" "$res" "run=0"
like "the child got the exact value" "$res" "out: $V_SHA"
like "its output is masked" "$res" "out: value:\[hush:TOKEN\]"
like "status: unlocked after the run" "$res" "status1: vault: unlocked"
like "hush lock forgets the key" "$res" "status2: vault: locked"
like "hush unlock fetches it again (no passphrase)" "$res" "unlock=0"
like "status: unlocked again" "$res" "status3: vault: unlocked"
like "runs work after unlock" "$res" "run2=0"
assert_absent "value absent from the run output" "$V" <(printf '%s' "$res")
assert_absent "value absent from the audit log" "$V" "$NB_HOME/.local/share/hush/audit.log"
