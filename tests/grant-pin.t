# SPDX-License-Identifier: ISC
# Grants on executables the user can change, as an unprivileged user: an
# unpinned grant whose file, or a directory above it, the user can write is
# a problem for hush config check (exit 1, with the exact sha256 line to
# add) and a warning in hush doctor; pinned, or root-owned in root-owned
# directories, it is fine.
. "$(dirname "$0")/lib.sh"
nobody_prepare
CFGDIR="$NB_HOME/.config/hush"
mkdir -p "$CFGDIR" "$NB_HOME/bin"
printf '#!/bin/sh\necho deployed\n' >"$NB_HOME/bin/deploy"
chmod 0755 "$NB_HOME/bin/deploy"
ln -s /usr/bin/env "$NB_HOME/bin/env-link"
mkdir -p "$T/rootbin"; chmod 0755 "$T/rootbin"
printf '#!/bin/sh\necho tool\n' >"$T/rootbin/tool"; chmod 0755 "$T/rootbin/tool"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$NB_HOME"
SUM=$(sha256sum "$NB_HOME/bin/deploy" | cut -d' ' -f1)
conf() { cat >"$CFGDIR/config.ini"; is_root && chown "$NOBODY_UID" "$CFGDIR/config.ini"; }
cc() { as_nobody "$NB_BIN/hush" config check >"$T/out" 2>"$T/err"; }
# check_grant NAME COMMAND [LINE]: hush config check over one grant of
# COMMAND (and LINE, e.g. its pin); its status, output in $T/out and $T/err.
check_grant() { printf '[grant %s]\ncommand = %s\n%s\n' "$1" "$2" "${3:-}" | conf; cc; }

check_grant deploy "$NB_HOME/bin/deploy"; is "unpinned grant on ~/bin/deploy: config check exits 1" "$?" 1
like "it says why" "$(cat "$T/err")" "grant 'deploy': $NB_HOME/bin/deploy is not pinned and you can write $NB_HOME/bin/deploy: whatever is written there runs with the grant's secrets"
like "the hint is the exact line to add" "$(cat "$T/err")" "hint: pin it: add  sha256 = $SUM  to \[grant deploy\]"
like "the problem is counted" "$(cat "$T/out")" "1 problem found"
like "hush doctor warns about it" "$(as_nobody "$NB_BIN/hush" doctor 2>&1)" "grant pin +not working +grant 'deploy': $NB_HOME/bin/deploy is not pinned"

line=$(sed -n 's/^hint: pin it: add  \(sha256 = [0-9a-f]*\)  to .*/\1/p' "$T/err")
check_grant deploy "$NB_HOME/bin/deploy" "$line"; is "with the printed pin added: exit 0" "$?" 0
is "and nothing on stderr" "$(cat "$T/err")" ""
check_fail "hush doctor no longer warns" grep -q "grant pin" <<<"$(as_nobody "$NB_BIN/hush" doctor 2>&1)"

# the file read-only, its directory writable: still replaceable
chmod 0555 "$NB_HOME/bin/deploy"
check_grant deploy "$NB_HOME/bin/deploy"; is "a read-only file in a writable directory: exit 1" "$?" 1
like "the directory is named" "$(cat "$T/err")" "you can write the directory $NB_HOME/bin:"

# a link in a writable directory can be pointed elsewhere
check_grant env "$NB_HOME/bin/env-link"; is "a grant through a symlink in a writable directory: exit 1" "$?" 1

# root-owned executables in root-owned directories
conf <<EOF
[grant env]
command = /usr/bin/env

[grant tool]
command = $T/rootbin/tool
EOF
cc; is "root-owned /usr/bin/env and a root-owned tool: exit 0" "$?" 0
is "no complaint" "$(cat "$T/err")" ""
# control: the same grants as root are not flagged either (root is out of scope)
if is_root; then
	HUSH_CONFIG="$CFGDIR/config.ini" "$H" config check >/dev/null 2>&1
	is "as root nothing is flagged (root can write everything)" "$?" 0
else
	skip "root's view needs root"
fi
