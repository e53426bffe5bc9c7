#!/bin/sh
# Install the Debian packages hush needs to build and test.
#   deps.sh --install           install (root) or print the apt-get line
#   deps.sh --check-or-install  do nothing when everything is present
set -eu

PKGS="build-essential pkg-config libsodium-dev libsecret-1-dev libinih-dev \
libssl-dev curl clang libclang-rt-14-dev gnome-keyring dbus dbus-x11 libsecret-tools \
bubblewrap liburing-dev util-linux procps psmisc python3 nodejs git zsh fish \
file strace xvfb xauth x11-utils xdotool zenity"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
		|| missing="$missing $p"
done

case "${1:---install}" in
--check-or-install)
	[ -z "$missing" ] && exit 0 ;;
--install) ;;
*) echo "usage: deps.sh [--install|--check-or-install]" >&2; exit 2 ;;
esac

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing:$missing" >&2
	echo "deps: run as root:" >&2
	echo "  apt-get update && apt-get install -y$missing" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
