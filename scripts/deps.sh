#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian packages hush needs to build, test and package.
#   deps.sh --install           install (root) or print the apt-get line
#   deps.sh --check-or-install  do nothing when everything is present
#   --build-only (after either) only what building and `make demo` need
# Without root, missing packages are listed with the apt-get line to run,
# and the exit status is 2.
set -eu

# build and run: compiler, libraries, the tools the sandbox and demo use
BUILD_PKGS="build-essential pkg-config libsodium-dev libsecret-1-dev \
libpcre2-dev libvectorscan-dev libssl-dev util-linux procps python3"
# tests, fuzzing, packaging, docs, benchmarks
TEST_PKGS="clang libclang-rt-14-dev gnome-keyring dbus dbus-x11 libsecret-tools \
bubblewrap liburing-dev psmisc nodejs git zsh fish file strace \
mandoc bash-completion debhelper dpkg-dev lintian fakeroot xvfb xauth x11-utils zenity \
x11-apps netpbm xdotool groff-base tmux openssh-client gnupg gpg-agent linux-perf curl direnv"
# 32-bit static test clients for the i386 system call paths of the filters
[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] && TEST_PKGS="$TEST_PKGS gcc-multilib"

mode="${1:---install}"
PKGS="$BUILD_PKGS $TEST_PKGS"
[ "${2:-}" = "--build-only" ] && PKGS="$BUILD_PKGS"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' \
		|| missing="$missing $p"
done

case "$mode" in
--check-or-install)
	[ -z "$missing" ] && exit 0 ;;
--install) ;;
*) echo "usage: deps.sh [--install|--check-or-install] [--build-only]" >&2; exit 2 ;;
esac

if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "hush: missing Debian packages:$missing" >&2
	echo "hint: run as root: apt-get update && apt-get install -y --no-install-recommends$missing" >&2
	exit 2
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
