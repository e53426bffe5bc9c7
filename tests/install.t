#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# make install into a DESTDIR: every file in its place, manual pages that
# render and lint clean, hush(1) covering every command of "hush help",
# completion scripts that load in bash, zsh and fish and complete commands,
# options, grant and profile names and secret names (never values), the
# systemd user unit pointing at the installed hushd, and the installed hush
# finding the installed shim.
. "$(dirname "$0")/lib.sh"
D="$T/dest"
make -s -C "$HUSH_SRC" BUILD="$HUSH_BUILD" install DESTDIR="$D" PREFIX=/usr >"$T/make.out" 2>&1
is "make install DESTDIR=... PREFIX=/usr exits 0" "$?" "0"
for f in bin/hush bin/hushd lib/hush/libhush.so share/man/man1/hush.1 share/man/man5/hush-config.5 \
	share/man/man8/hushd.8 share/bash-completion/completions/hush share/zsh/vendor-completions/_hush \
	share/fish/vendor_completions.d/hush.fish lib/systemd/user/hushd.service share/doc/hush/README.md \
	share/doc/hush/config.md share/doc/hush/examples/config.ini; do
	check "installed: /usr/$f" test -s "$D/usr/$f"
done
like "the user unit starts the installed hushd" "$(grep ^ExecStart "$D/usr/lib/systemd/user/hushd.service")" "^ExecStart=/usr/bin/hushd --foreground$"

# --- manual pages ---
for p in man1/hush.1 man5/hush-config.5 man8/hushd.8; do
	f="$D/usr/share/man/$p"
	out=$(mandoc -Tlint -W warning "$f" 2>&1)
	is "$p: mandoc -Tlint -W warning is clean" "$out" ""
	out=$(groff -ww -man -Tutf8 "$f" 2>&1 >/dev/null)
	is "$p: groff -ww is clean" "$out" ""
	n=$(MANWIDTH=80 man -l "$f" 2>/dev/null | wc -l)
	if [ "$n" -gt 20 ]; then ok "$p: man -l renders ($n lines)"; else not_ok "$p: man -l renders ($n lines)"; fi
done
page=$(MANWIDTH=200 man -l "$D/usr/share/man/man1/hush.1" 2>/dev/null)
missing=
for c in $("$H" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'); do
	[ "$c" = help ] && continue
	grep -q "^   hush $c\$" <<<"$page" || missing="$missing $c"
done
is "hush(1) has a section for every command of hush help" "$missing" ""
cfg=$(MANWIDTH=200 man -l "$D/usr/share/man/man5/hush-config.5" 2>/dev/null)
missing=
for k in $(grep -o '^| `[a-z_]*`' "$HUSH_SRC/docs/config.md" | tr -d '|` '); do
	grep -qE "^       $k( |\$)" <<<"$cfg" || missing="$missing $k"
done
is "hush-config(5) describes every key of docs/config.md" "$missing" ""
like "hush-config(5) lists the [grant NAME] keys" "$cfg" "GRANT NAME"

# --- completion ---
check "bash -n completion/hush.bash" bash -n "$D/usr/share/bash-completion/completions/hush"
check "zsh -n completion/_hush" zsh -n "$D/usr/share/zsh/vendor-completions/_hush"
check "fish -n completion/hush.fish" fish -n "$D/usr/share/fish/vendor_completions.d/hush.fish"

setup_home
export HUSH_ASKPASS="$(make_askpass "completion-pass")"
"$H" init >/dev/null 2>&1
C=$(canary)
printf '%s' "$C" | "$H" set DEPLOY_TOKEN >/dev/null 2>&1
cat >"$HUSH_CONFIG" <<EOF
[grant deploy-prod]
command = /bin/true
secrets = DEPLOY_TOKEN
[profile myagent]
EOF
mkdir -p "$T/pbin"; ln -s "$H" "$T/pbin/hush"
export PATH="$T/pbin:$PATH"
bcomp() {
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _hush; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$D/usr/share/bash-completion/completions/hush" "$@" 2>&1
}
fcomp() { fish -N -c "source '$D/usr/share/fish/vendor_completions.d/hush.fish'; complete -C '$1'" 2>&1; }
like "bash: commands" "$(bcomp hush mi)" "^migrate$"
like "bash: options from the command's --help" "$(bcomp hush migrate --un)" "^--undo$"
is "bash: grant names from the config" "$(bcomp hush run --grant dep)" "deploy-prod"
like "bash: profile names from the config" "$(bcomp hush sandbox --profile my)" "^myagent$"
# a keyring vault opens without asking; this passphrase vault must not prompt
is "bash: a passphrase vault is not prompted for (no names, no hang)" "$(HUSH_ASKPASS= timeout 20 bash -c "$(declare -f bcomp); D='$D'; bcomp hush get DEP" </dev/null)" ""
is "bash: no secret names from a passphrase vault" "$(bcomp hush get DEP)" ""
# a keyring vault opens without asking: its names complete
kcfg="$HUSH_CONFIG"
setup_home khome
export HUSH_CONFIG="$kcfg"
start_keyring kr
if [ "$KR_OWNED" = yes ]; then
	"$H" init --keyring >/dev/null 2>&1
	printf '%s' "$C" | "$H" set DEPLOY_TOKEN >/dev/null 2>&1
	is "bash: secret names from a keyring vault" "$(bcomp hush get DEP)" "DEPLOY_TOKEN"
	like "fish: secret names" "$(fcomp 'hush get ')" "DEPLOY_TOKEN"
else
	skip "no Secret Service on the private bus: keyring vault names not tested"
	skip "no Secret Service on the private bus: keyring vault names not tested (fish)"
fi
is "bash: nothing after --" "$(bcomp hush sandbox -- cl)" ""
like "fish: commands" "$(fcomp 'hush mi')" "migrate"
like "fish: options" "$(fcomp 'hush migrate --un')" "--undo"
like "fish: grant names" "$(fcomp 'hush run --grant ')" "deploy-prod"
out=$(bcomp hush get ""; fcomp 'hush get '; bcomp hush rm D)
if [[ "$out" == *"$C"* ]]; then not_ok "completion never shows a value"; else ok "completion never shows a value"; fi

# --- the installed hush finds the installed shim ---
like "installed hush doctor finds /usr/lib/hush/libhush.so" "$("$D/usr/bin/hush" doctor 2>&1)" "shim +working +$D/usr/lib/hush/libhush.so loads"
