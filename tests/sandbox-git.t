# SPDX-License-Identifier: ISC
# Git and the sandbox, as an unprivileged user: the index sweep (a masked
# file staged during a session must not reach the human's next commit),
# the sweep's git run ignoring the repository's code-running config, the
# read-only git paths leaving ordinary git work possible, and the
# never-write quarantine. Each attack has a control run without the sweep
# or without the binds, which must show the harm, so "blocked" cannot come
# from a broken set-up. The session is driven by build/tests/test_git
# (snapshot, agent command, sweep), the git part of `hush sandbox`.
. "$(dirname "$0")/lib.sh"

need_git
need_setpriv
nobody_prepare
cp "$HUSH_BUILD/tests/test_git" "$NB_BIN/" && chmod 0755 "$NB_BIN/test_git"
C=$(canary)
W="$T/w"
mkdir -p "$W"
is_root && chown "$NOBODY_UID:$NOBODY_UID" "$W"

# git as the unprivileged user, without anyone's global config
g() {
	as_nobody env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=t \
		GIT_AUTHOR_EMAIL=t@t GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@t git "$@"
}
# a session: snapshot, the "agent" command, sweep
session() { as_nobody env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a \
	GIT_AUTHOR_EMAIL=a@a GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@a test_git session "$@"; }
# every object in the repository, printed
all_objects() {
	g -C "$1" rev-list --all --objects 2>/dev/null | cut -d' ' -f1 |
		while read -r o; do g -C "$1" cat-file -p "$o" 2>/dev/null; done
	g -C "$1" ls-files -s 2>/dev/null | while read -r _ o _; do g -C "$1" cat-file -p "$o"; done
}
# a repository with a real .env (ignored) holding the canary
mkrepo() {
	local r="$W/$1"
	g init -q "$r"
	as_nobody sh -c "printf 'readme\n' >'$r/README'; printf '.env\n.env.*\n' >'$r/.gitignore';
		mkdir -p '$r/config'; printf 'TOKEN=%s\n' '$C' >'$r/.env';
		printf 'DB=%s\n' '$C' >'$r/config/.env.local'; printf 'empty mask\n' >/dev/null"
	g -C "$r" add README .gitignore && g -C "$r" commit -qm init
}
# the mask: inside the session, .env reads as an empty file (as under
# hush sandbox); the agent then stages it
MASKED_ADD='f=$(mktemp) && cp .env "$f" && : >.env && git add -f .env; cp "$f" .env; rm -f "$f"'

# --- git add -f .env ---
mkrepo add
o=$(cd "$W/add" && session --hide .env --hide '.env.*' --hide '!.env.example' "$W/add" -- sh -c "$MASKED_ADD" 2>&1)
like "sweep reports the name it removed" "$o" "removed $W/add/.env"
is "the index no longer holds .env" "$(g -C "$W/add" ls-files .env)" ""
g -C "$W/add" commit -qam "human commit -a" >/dev/null
assert_absent "the human's commit -a does not store the canary" "$C" <(all_objects "$W/add")
# control: the same session without the sweep's hide rules
mkrepo add-control
o=$(cd "$W/add-control" && session "$W/add-control" -- sh -c "$MASKED_ADD" 2>&1)
g -C "$W/add-control" commit -qam "human commit -a"
like "control: without the sweep, commit -a stores the canary" "$(all_objects "$W/add-control")" "$C"

# --- update-index --cacheinfo of a name matching .env.* ---
CACHEINFO='sha=$(git hash-object -w --stdin </dev/null) && git update-index --add --cacheinfo 100644,$sha,config/.env.local'
mkrepo ci
o=$(cd "$W/ci" && session --hide .env --hide '.env.*' "$W/ci" -- sh -c "$CACHEINFO" 2>&1)
like "update-index --cacheinfo entry removed" "$o" "removed $W/ci/config/.env.local"
g -C "$W/ci" commit -qam "human commit -a" >/dev/null 2>&1
assert_absent "commit -a after the sweep: no canary" "$C" <(all_objects "$W/ci")
mkrepo ci-control
(cd "$W/ci-control" && session "$W/ci-control" -- sh -c "$CACHEINFO" >/dev/null 2>&1)
g -C "$W/ci-control" commit -qam "human commit -a"
like "control: the cacheinfo entry makes commit -a store the canary" "$(all_objects "$W/ci-control")" "$C"

# --- a commit made inside the session ---
mkrepo commit
o=$(cd "$W/commit" && session --hide .env "$W/commit" -- sh -c "$MASKED_ADD && git commit -qm agent" 2>&1)
like "removed after an in-session commit" "$o" "removed $W/commit/.env"
like "the in-session commit is reported" "$o" "commits $W/commit"
is "the session's commit holds only the empty mask" "$(g -C "$W/commit" show HEAD:.env | wc -c | tr -d ' ')" "0"
g -C "$W/commit" commit -qam "human commit -a"
assert_absent "commit -a after an in-session commit: no canary" "$C" <(all_objects "$W/commit")
is "the human's commit records .env as removed" "$(g -C "$W/commit" ls-tree --name-only HEAD .env)" ""

# --- split index, made by the agent ---
mkrepo split
o=$(cd "$W/split" && session --hide .env "$W/split" -- sh -c "git update-index --split-index && $MASKED_ADD" 2>&1)
like "split index: removed through git" "$o" "removed $W/split/.env"
is "split index: .env gone" "$(g -C "$W/split" ls-files .env)" ""

# --- the index replaced wholesale ---
mkrepo whole
WHOLE='i=$(mktemp) && rm -f "$i" && GIT_INDEX_FILE=$i git read-tree HEAD &&
	sha=$(git hash-object -w --stdin </dev/null) &&
	GIT_INDEX_FILE=$i git update-index --add --cacheinfo 100644,$sha,.env && cp "$i" .git/index && rm -f "$i"'
o=$(cd "$W/whole" && session --hide .env "$W/whole" -- sh -c "$WHOLE" 2>&1)
like "an index replaced wholesale: the entry removed" "$o" "removed $W/whole/.env"
g -C "$W/whole" commit -qam "human commit -a" >/dev/null 2>&1
assert_absent "commit -a after a replaced index: no canary" "$C" <(all_objects "$W/whole")

# --- a name tracked before the session stays ---
mkrepo tracked
as_nobody sh -c "printf 'X=1\n' >'$W/tracked/.env.shared'"
g -C "$W/tracked" add -f .env.shared && g -C "$W/tracked" commit -qm shared
o=$(cd "$W/tracked" && session --hide '.env.*' "$W/tracked" -- sh -c 'echo Y=2 >>.env.shared' 2>&1)
is "a hidden name tracked at start is left in the index" "$(g -C "$W/tracked" ls-files .env.shared)" ".env.shared"

# --- the sweep's git does not run the repository's code ---
mkrepo evil
M="$W/marker"
printf '#!/bin/sh\necho ran >>%s\n' "$M" >"$T/evil.sh"; chmod 0755 "$T/evil.sh"
g -C "$W/evil" config core.fsmonitor "$T/evil.sh"
as_nobody sh -c "cp '$T/evil.sh' '$W/evil/.git/hooks/post-index-change'"
SAFE_ADD='git -c core.fsmonitor=false -c core.hooksPath=/dev/null add -f .env'
o=$(cd "$W/evil" && session --hide .env "$W/evil" -- sh -c "$SAFE_ADD" 2>&1)
like "sweep in a repository with core.fsmonitor and a hook set" "$o" "removed $W/evil/.env"
check "neither the fsmonitor program nor the hook ran" test ! -e "$M"
g -C "$W/evil" status >/dev/null 2>&1
check "control: an ordinary git status runs the fsmonitor program" test -e "$M"

# --- read-only git paths: ordinary git work still possible ---
if ! as_nobody unshare -Urm true 2>/dev/null; then
	skip "unprivileged user namespaces unavailable: cannot simulate the read-only binds"
else
	mkrepo ro
	g -C "$W/ro" worktree add -q "$W/ro-wt" 2>/dev/null
	as_nobody test_git protect "$W/ro" >"$T/ro.list"
	like "the protect list names config and hooks" "$(cat "$T/ro.list")" "ro $W/ro/.git/config"
	cat >"$T/binds.sh" <<'BINDS'
set -e
list=$1; shift
while read -r kind p; do
	case $kind in
	mkdir) mkdir -p "$p" ;;
	ro) mount --bind "$p" "$p" && mount -o remount,bind,ro,nosuid,nodev "$p" ;;
	esac
done <"$list"
exec "$@"
BINDS
	WORK='cd "$1" && git init -q fresh && git -C fresh commit -q --allow-empty -m f &&
	echo more >>README && git add README && git commit -qm two && git branch topic &&
	echo stash >>README && git stash -q && git stash pop -q && git status --short >/dev/null && git checkout -q topic &&
	git log --oneline | wc -l'
	o=$(as_nobody env GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null GIT_AUTHOR_NAME=a \
		GIT_AUTHOR_EMAIL=a@a GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@a \
		unshare -Urm sh "$T/binds.sh" "$T/ro.list" sh -c "$WORK" sh "$W/ro" 2>&1)
	is "git init, add, commit, branch, stash, checkout work with the binds" "$o" "2"
	HOOK='echo "#!/bin/sh" >"$1/.git/hooks/pre-commit" && echo hook-written'
	CFG='git -C "$1" config core.fsmonitor /tmp/x && echo config-written'
	o=$(as_nobody unshare -Urm sh "$T/binds.sh" "$T/ro.list" sh -c "$HOOK; $CFG" sh "$W/ro" 2>&1)
	like "inside the binds a hook cannot be written" "$o" "Read-only file system"
	if [[ "$o" == *hook-written* || "$o" == *config-written* ]]; then
		not_ok "neither the hook nor .git/config was written"; echo "#   got: $o"
	else ok "neither the hook nor .git/config was written"; fi
	o=$(as_nobody unshare -Urm sh -c "$HOOK; $CFG" sh "$W/ro" 2>&1)
	like "control: without the binds both are written" "$o" "hook-written.*config-written"
	REDIRECT='echo "gitdir: /tmp/evil" >"$1/.git" && echo redirected'
	o=$(as_nobody unshare -Urm sh "$T/binds.sh" "$T/ro.list" sh -c "$REDIRECT" sh "$W/ro-wt" 2>&1)
	if [[ "$o" == *redirected* ]]; then not_ok "a worktree's .git file cannot be redirected"
	else ok "a worktree's .git file cannot be redirected"; fi
	cp -a "$W/ro-wt/.git" "$T/wt-dotgit.saved"
	o=$(as_nobody unshare -Urm sh -c "$REDIRECT" sh "$W/ro-wt" 2>&1)
	like "control: without the binds it can" "$o" "redirected"
	cp -a "$T/wt-dotgit.saved" "$W/ro-wt/.git"
fi

# --- never-write paths created during the session are quarantined ---
mkrepo nw
Q="$T/quarantine"
mkdir -p "$Q" && is_root && chown "$NOBODY_UID:$NOBODY_UID" "$Q"
o=$(cd "$W/nw" && session --never-write .envrc --never-write .mcp.json --never-write .vscode/ \
	--quarantine "$Q" "$W/nw" -- sh -c 'echo "export X=1" >.envrc && mkdir .vscode &&
	echo "{}" >.vscode/tasks.json && printf "#!/bin/sh\n" >.git/hooks/post-checkout &&
	git init -q inner && git -C inner config core.pager "sh -c evil"' 2>&1)
like "a new .envrc moved to the quarantine" "$o" "moved $W/nw/.envrc -> $Q/.envrc"
like "a new hook moved" "$o" "moved $W/nw/.git/hooks/post-checkout"
like "a new repository's code-running config moved" "$o" "moved $W/nw/inner/.git/config"
check "the quarantined files are there, the originals gone" \
	test -f "$Q/.envrc" -a -f "$Q/.vscode/tasks.json" -a ! -e "$W/nw/.envrc" -a ! -e "$W/nw/.vscode"

# --- a directory of the git state left unsearchable (chmod 000 by an
# earlier session) hides the git directories behind it from the search:
# the session does not start ---
mkrepo shut
g -C "$W/shut" worktree add -q "$W/shut-wt" 2>/dev/null
mkdir -p "$W/shut/.git/modules/sub" && is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$W/shut/.git/modules"
g init -q --bare "$W/shut/.git/modules/sub" 2>/dev/null
o=$(as_nobody test_git protect "$W/shut")
like "control: the linked worktree's git directory is found when searchable" "$o" "ro $W/shut/.git/worktrees/shut-wt/commondir"
for d in .git/worktrees .git/modules .git/modules/sub; do
	as_nobody chmod 000 "$W/shut/$d"
	o=$(cd "$W/shut" && session "$W/shut" -- echo ran 2>&1); rc=$?
	is "$d unsearchable: the session does not start (exit 3)" "$rc" 3
	like "and names it" "$o" "^shut $W/shut/$d$"
	as_nobody chmod 755 "$W/shut/$d"
done
o=$(cd "$W/shut" && session "$W/shut" -- echo ran 2>&1)
is "searchable again: the session runs" "$o" "ran"
