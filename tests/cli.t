# SPDX-License-Identifier: ISC
# The command line as a whole: help, version, --help on every command,
# unknown commands, install layout.
. "$(dirname "$0")/lib.sh"
setup_home

out=$("$H" help); rc=$?
is "hush help exits 0" "$rc" 0
like "hush help lists commands" "$out" "run .*sandbox|sandbox"
is "hush --version" "$("$H" --version)" "hush $("$H" --version | awk '{print $2}')"
like "version looks like a version" "$("$H" --version)" '^hush [0-9]+\.[0-9]+\.[0-9]+$'

"$H" no-such-command >/dev/null 2>"$T/err"; rc=$?
is "unknown command exits 2" "$rc" 2
like "unknown command says so" "$(cat "$T/err")" "unknown command 'no-such-command'"
"$H" >/dev/null 2>&1; is "no command exits 2" "$?" 2

cmds=$("$H" help | awk '/^commands:/{f=1;next} f && /^  [a-z]/{print $1}' | grep -v '^help$')
n=0
for c in $cmds; do
	n=$((n + 1))
	o=$("$H" "$c" --help 2>&1); rc=$?
	if [ "$rc" -eq 0 ] && [[ "$o" == *[Uu]sage* ]] && [[ "$o" != *"not built"* ]]; then
		ok "hush $c --help prints usage, exit 0"
	else
		not_ok "hush $c --help prints usage, exit 0 (rc=$rc)"; echo "#   $o" | head -3
	fi
	o2=$("$H" help "$c" 2>&1)
	is "hush help $c equals hush $c --help" "$o2" "$o"
done
[ "$n" -ge 20 ] && ok "help lists $n commands" || not_ok "help lists only $n commands"

# A configuration that does not load is exit status 2 (docs/design.md, "Exit
# codes") for every command that reads it, with the file and line; hush run
# (whose broker would not start) too.
mkdir -p "$T/ec"
printf '[broker]\nconfirmm = desktop\n' >"$T/ec/bad.ini"
printf 'A=1\n' >"$T/ec/in.env"
printf 'export MY_API_TOKEN=abcdef123456\n' >"$T/ec/rc"
for c in "init" "set X" "get X" "rm X" "list" "import $T/ec/in.env" "passwd" "unlock" \
	"import $T/ec/in.env --replace" "migrate --yes $T/ec/rc" \
	"shims $T/ec/links" "grant list" "config check" "broker --foreground" \
	"scan $T/ec/in.env" "sandbox -- /bin/true" "run -- /bin/true"; do
	HUSH_CONFIG="$T/ec/bad.ini" timeout 60 "$H" $c </dev/null >"$T/ec/out" 2>&1; rc=$?
	is "config error: hush $c exits 2" "$rc" 2
	like "config error: hush $c names the file and line" "$(cat "$T/ec/out")" "bad.ini:2: unknown key 'confirmm'"
done
# control: the same commands get past the configuration with a good one
printf '[broker]\nconfirm = desktop\n' >"$T/ec/good.ini"
HUSH_CONFIG="$T/ec/good.ini" "$H" grant list >"$T/ec/out" 2>&1; rc=$?
is "control: a good config: hush grant list exits 0" "$rc" 0

# So is a path hush cannot work out from the environment (docs/design.md,
# "Exit codes"): the same status whichever command needs it.
long=$(printf '/x%.0s' $(seq 1 2100))
for c in "list" "get X" "import $T/ec/in.env" "migrate --undo" "audit" "unlock" "setup --yes"; do
	HUSH_HOME="$long" timeout 60 "$H" $c </dev/null >"$T/ec/out" 2>&1; rc=$?
	is "unusable HUSH_HOME: hush $c exits 2" "$rc" 2
done
like "unusable HUSH_HOME: hush list says which path" "$(HUSH_HOME="$long" "$H" list 2>&1)" \
	"cannot find the vault path"
for c in "config path" "config check" "list"; do
	HUSH_CONFIG="$long" timeout 60 "$H" $c </dev/null >"$T/ec/out" 2>&1; rc=$?
	is "unusable HUSH_CONFIG: hush $c exits 2" "$rc" 2
done

o=$("$HD" --help 2>&1); rc=$?
is "hushd --help exits 0" "$rc" 0

# hush doctor names the desktop dialog the broker would open: its
# $SSH_ASKPASS comes first, as in broker/confirm.c.
printf '#!/bin/sh\nexit 1\n' >"$T/my-askpass"; chmod 0755 "$T/my-askpass"
o=$(DISPLAY=:99 SSH_ASKPASS="$T/my-askpass" HUSH_CONFIRM= "$H" doctor 2>&1)
like "doctor: the desktop dialog is the broker's choice" "$o" "confirmation +working +desktop: display present, askpass \\($T/my-askpass\\)"
o=$(env -u DISPLAY -u WAYLAND_DISPLAY HUSH_CONFIRM= "$H" doctor 2>&1)
like "doctor: no display, no desktop dialog" "$o" "confirmation +not working +desktop: no DISPLAY or WAYLAND_DISPLAY"

# make install honours DESTDIR and PREFIX.
if make -s -C "$HUSH_SRC" BUILD="$HUSH_BUILD" DESTDIR="$T/dest" PREFIX=/usr install >"$T/inst.log" 2>&1; then
	ok "make install DESTDIR=... PREFIX=/usr"
	for f in usr/bin/hush usr/bin/hushd usr/lib/hush/libhush.so usr/share/doc/hush/README.md; do
		if [ -e "$T/dest/$f" ]; then ok "installed $f"; else not_ok "installed $f"; fi
	done
	"$T/dest/usr/bin/hush" --version >/dev/null 2>&1
	is "installed hush runs" "$?" 0
else
	not_ok "make install DESTDIR=... PREFIX=/usr"; sed 's/^/#   /' "$T/inst.log" | tail -5
fi
