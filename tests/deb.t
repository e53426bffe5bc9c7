#!/usr/bin/env bash
# SPDX-License-Identifier: ISC
# The Debian package: dpkg-buildpackage -us -uc -b on a copy of the tree
# builds a .deb that lintian passes with no warning or error; its files are
# where make install puts them, the packaged hush runs hush doctor and
# finds the packaged shim, and make demo's script passes against the
# packaged binaries. HUSH_TEST_DEB_INSTALL=1 (as root) also installs the
# package with dpkg -i, runs hush doctor and the demo from /usr/bin and
# removes it again; without it the package is unpacked with dpkg -x.
. "$(dirname "$0")/lib.sh"
if ! command -v dpkg-buildpackage >/dev/null || ! command -v dh >/dev/null; then
	skip "dpkg-buildpackage or debhelper is not installed (make deps)"
	exit 0
fi
S="$T/src/hush-0.1.0"; mkdir -p "$S"
(cd "$HUSH_SRC" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$S") 2>/dev/null
(cd "$S" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
rc=$?
is "dpkg-buildpackage -us -uc -b exits 0" "$rc" "0"
[ "$rc" -eq 0 ] || { tail -15 "$T/build.log" | sed 's/^/#   /'; exit 0; }
deb=$(ls "$T"/src/hush_0.1.0_*.deb | grep -v dbgsym)
check "a .deb was built" test -s "$deb"
tags=$(lintian "$deb" 2>&1 | grep -v 'running with root privileges')
is "lintian: no tag (no override needed)" "$tags" ""

X="$T/x"; dpkg -x "$deb" "$X"
for f in usr/bin/hush usr/bin/hushd usr/lib/hush/libhush.so usr/share/man/man1/hush.1.gz \
	usr/share/man/man5/hush-config.5.gz usr/share/man/man8/hushd.8.gz usr/lib/systemd/user/hushd.service \
	usr/share/bash-completion/completions/hush usr/share/doc/hush/copyright; do
	check "packaged: /$f" test -s "$X/$f"
done
like "the packaged unit starts /usr/bin/hushd" "$(grep ^ExecStart "$X/usr/lib/systemd/user/hushd.service")" "^ExecStart=/usr/bin/hushd --foreground"
setup_home
like "packaged hush doctor finds the packaged shim" "$("$X/usr/bin/hush" doctor 2>&1)" "shim +working +$X/usr/lib/hush/libhush.so loads"
out=$(HUSH_BUILD="$X/usr/bin" bash "$HUSH_SRC/examples/demo/run" 2>&1); rc=$?
is "the demo passes against the packaged binaries" "$rc" "0"
[ "$rc" -eq 0 ] || echo "$out" | tail -5 | sed 's/^/#   /'

if [ "${HUSH_TEST_DEB_INSTALL:-}" = 1 ] && is_root; then
	if dpkg -s hush >/dev/null 2>&1; then
		skip "a hush package is already installed; not replacing it"
	else
		at_exit "dpkg -r hush"
		dpkg -i "$deb" >"$T/install.log" 2>&1
		is "dpkg -i installs the package" "$?" "0"
		like "installed hush doctor runs and finds /usr/lib/hush/libhush.so" "$(/usr/bin/hush doctor 2>&1)" "shim +working +/usr/lib/hush/libhush.so loads"
		out=$(HUSH_BUILD=/usr/bin bash /usr/share/doc/hush/examples/demo/run 2>&1); rc=$?
		is "the installed demo passes against /usr/bin" "$rc" "0"
		MANPATH=/usr/share/man man -w hush-config >/dev/null 2>&1
		is "man finds hush-config(5)" "$?" "0"
		dpkg -r hush >/dev/null 2>&1
		is "dpkg -r removes it" "$(dpkg-query -W -f='${Status}' hush 2>/dev/null)" "deinstall ok config-files"
		dpkg -P hush >/dev/null 2>&1
	fi
else
	skip "HUSH_TEST_DEB_INSTALL=1 (as root) installs the .deb for real"
fi
