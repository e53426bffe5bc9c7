#!/bin/bash
# SPDX-License-Identifier: ISC
# The demo's scripted "agent": what a prompt-injected coding agent would try
# in order to steal DEPLOY_TOKEN, each attempt shown with its result, then
# the legitimate deploy through the granted command.
#   agent.sh VAULT_PATH [STATIC_READER]
vault=${1:-}
static_reader=${2:-}
try() {
	local what=$1; shift
	local out
	out=$("$@" 2>&1 | head -c 300 | tr '\0\n' ' ')
	printf '  %-44s -> %s\n' "$what" "${out:-(nothing)}"
}

echo "agent: trying to read the token"
try "cat .env" cat .env
try "env -u LD_PRELOAD cat .env" sh -c 'env -u LD_PRELOAD cat .env; echo "($(env -u LD_PRELOAD wc -c < .env) bytes)"'
try "grep -r DEPLOY_TOKEN ." grep -r DEPLOY_TOKEN .
try "python open('.env')" python3 -c 'print(repr(open(".env").read()))'
try "env | grep DEPLOY_TOKEN" sh -c 'env | grep DEPLOY_TOKEN || echo "not in the environment"'
pid=$(cat "${HUSH_RUNTIME_DIR:-/nonexistent}/hushd.pid" 2>/dev/null)
try "cat /proc/<broker pid ${pid:-?}>/environ" cat "/proc/${pid:-0}/environ"
try "read the vault file" sh -c "head -c 64 '$vault' | od -c | head -2"
try "raw openat syscall (python ctypes)" python3 -c '
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.syscall(257, -100, b".env", 0)
if fd < 0:
    print("openat failed:", os.strerror(ctypes.get_errno()))
else:
    print(repr(os.read(fd, 200)))'
if [ -n "$static_reader" ] && [ -x "$static_reader" ]; then
	try "statically linked reader" "$static_reader" .env
fi
try "ls ~/.ssh (hidden directory)" sh -c 'ls -A ~/.ssh; echo "($(ls -A ~/.ssh 2>/dev/null | wc -l) entries)"'
try "unshare -Urm + umount the mask" unshare -Urm sh -c 'umount "$PWD/.env" && cat .env'
try "hush approve (self-approval)" hush approve 1
echo
echo "agent: deploying through the granted command"
echo "  \$ deploy --org=demo"
deploy --org=demo 2>&1 | sed 's/^/    /'
echo "    exit status: ${PIPESTATUS[0]}"
echo "  \$ deploy --org=prod   (not granted)"
deploy --org=prod 2>&1 | sed 's/^/    /'
echo "    exit status: ${PIPESTATUS[0]}"
