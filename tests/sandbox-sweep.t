# SPDX-License-Identifier: ISC
# A session that works against the never-writable protection and the
# end-of-session sweep, as an unprivileged user inside hush sandbox: modes
# changed on protected directories (chmod 000 to keep the next session's
# search out, chmod 0555 so the sweep cannot write), a symlinked directory
# above a listed name (so the quarantine would move the human's own file),
# a left-over git index.lock, a FIFO where a file is read, a .env on a file
# system mounted in the project, the hidden file un-ignored (a negation,
# its .gitignore line deleted, the .gitignore removed, info/exclude or an
# excludes file emptied). Each attack has a control outside the
# sandbox that shows the harm, and the human's later step is performed: the
# next hush sandbox, git commit -a, the human's own files.
. "$(dirname "$0")/lib.sh"

need_git
need_setpriv
nobody_prepare
P="$T/proj"
PW="$SBX/pwned"     # what planted code writes when it runs
C=$(canary)
mkdir -p "$NB_HOME/run" "$NB_HOME/.claude" && chmod 0700 "$NB_HOME/run"
printf '[user]\n\tname = Human\n\temail = h@example.org\n' >"$NB_HOME/.gitconfig"
printf '{"human":"settings"}\n' >"$NB_HOME/.claude/settings.json"
mkdir -p "$P"
(cd "$P" && git init -q . && printf 'readme\n' >README && printf '.env\n' >.gitignore &&
	git add README .gitignore && git -c user.name=h -c user.email=h@e commit -qm init) ||
	not_ok "fixture repository"
printf 'TOKEN=%s\n' "$C" >"$P/.env"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P" "$NB_HOME" "$SBX"

sb() { (cd "$1" && shift && as_nobody "$NB_BIN/hush" sandbox "$@"); }
mode() { stat -c %a "$1"; }
# the human's next commit, outside, as the user
human_commit() { (cd "$1" && as_nobody sh -c 'git -c user.name=h -c user.email=h@e commit -qam human >/dev/null 2>&1'); }
# every object the repository holds, printed (loose objects are compressed:
# grep on .git would not see a stored canary)
objects() { as_nobody git -C "$1" cat-file --batch-all-objects --batch 2>/dev/null; }
# a control copy of the project, owned by the user
control_copy() { rm -rf "$1"; cp -a "$P" "$1"; is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$1"; }
HOOK="printf '#!/bin/sh\necho PWNED >>$PW\n' >.git/hooks/pre-commit && chmod +x .git/hooks/pre-commit"

# --- 1. chmod 000 on .git and .claude/ during a session: set back at its end ---
mkdir -p "$P/.claude" && printf '{}\n' >"$P/.claude/settings.json"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P/.claude"
o=$(sb "$P" -- sh -c 'chmod 000 .git .claude && stat -c chmodded-%a .git' 2>&1)
like "inside: the agent makes .git and .claude unreadable" "$o" "chmodded-0"
like "at the end hush sets the mode of .git back and says so" "$o" "set the mode of $P/.git from 0000 back to 0755: the session had changed it"
like "and that of .claude" "$o" "set the mode of $P/.claude from 0000 back to 0755"
is "the real .git is searchable again" "$(mode "$P/.git")" 755
as_nobody chmod 755 "$P/.git" "$P/.claude"   # (each part of this file starts clean)
o=$(sb "$P" -- sh -c "$HOOK && echo hook-written" 2>&1)
[[ "$o" != *hook-written* ]] && ok "the next session protects .git/hooks again" || not_ok "the next session protects .git/hooks again"
human_commit "$P"
[ ! -e "$PW" ] && ok "the human's git commit runs no planted hook" || not_ok "the human's git commit runs no planted hook"

# --- 2. a .git left unreadable (a session that could not end): the next
# hush sandbox refuses to start instead of starting without protection ---
CP="$T/ctl-shut"; control_copy "$CP"
as_nobody chmod 000 "$CP/.git"
(cd "$CP" && as_nobody sh -c "chmod 755 .git && $HOOK") >/dev/null 2>&1
human_commit "$CP"
[ -s "$PW" ] && ok "control: outside, an agent chmods .git back, plants a hook, the human's commit runs it" ||
	not_ok "control: outside, an agent chmods .git back, plants a hook, the human's commit runs it"
rm -f "$PW"
as_nobody chmod 000 "$P/.git"
o=$(sb "$P" -- sh -c "chmod 755 .git; $HOOK; echo started" 2>&1); rc=$?
is "a .git the user cannot search: hush sandbox refuses to start (exit 1)" "$rc" 1
like "one line naming it, and a hint" "$o" "^hush: sandbox: cannot search $P/.git for paths to keep read-only \(permission denied\)"$'\n'"hint: an earlier session may have changed its mode"
[[ "$o" != *started* ]] && ok "so the agent did not run" || not_ok "so the agent did not run"
as_nobody chmod 755 "$P/.git"
human_commit "$P"
[ ! -e "$PW" ] && ok "the human's commit afterwards runs no planted hook" || not_ok "the human's commit afterwards runs no planted hook"
o=$(sb "$P" -- sh -c "$HOOK && echo hook-written; echo started" 2>&1)
[[ "$o" == *started* && "$o" != *hook-written* ]] && ok "searchable again: the sandbox starts, the hooks are read-only" ||
	not_ok "searchable again: the sandbox starts, the hooks are read-only"

# --- 3. ~/.claude, the claude profile's state directory ---
PLANT_SETTINGS='chmod 700 ~/.claude; echo "{\"hooks\":\"PWNED\"}" >~/.claude/settings.json && echo settings-written'
o=$(sb "$P" --profile claude -- sh -c 'chmod 000 ~/.claude && stat -c chmodded-%a ~/.claude' 2>&1)
like "inside: the agent makes ~/.claude unreadable" "$o" "chmodded-0"
like "at the end hush sets its mode back" "$o" "set the mode of $NB_HOME/.claude from 0000 back to 0755"
as_nobody chmod 755 "$NB_HOME/.claude"
CH="$T/ctl-home"; rm -rf "$CH"; cp -a "$NB_HOME" "$CH"; is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$CH"
as_nobody chmod 000 "$CH/.claude"
as_nobody env HOME="$CH" sh -c "$PLANT_SETTINGS" >/dev/null 2>&1
like "control: outside, a ~/.claude left unreadable is opened and its settings rewritten" "$(cat "$CH/.claude/settings.json")" PWNED
as_nobody chmod 000 "$NB_HOME/.claude"
o=$(sb "$P" --profile claude -- sh -c "$PLANT_SETTINGS; echo started" 2>&1); rc=$?
is "a ~/.claude the user cannot search: the claude sandbox refuses to start (exit 1)" "$rc" 1
like "naming it" "$o" "cannot search $NB_HOME/.claude for paths to keep read-only"
as_nobody chmod 755 "$NB_HOME/.claude"
is "the human's ~/.claude/settings.json is unchanged" "$(cat "$NB_HOME/.claude/settings.json")" '{"human":"settings"}'

# --- 4. a symlinked directory above a listed name: the quarantine must not
# move the human's file behind it ---
printf '{"human":"settings"}\n' >"$NB_HOME/.claude/settings.json"
P2="$T/proj2"
mkdir -p "$P2" && (cd "$P2" && git init -q .)
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P2"
(cd "$P2" && as_nobody ln -s "$NB_HOME/.claude" .claude)
is "control: through the agent's link, the project's .claude/settings.json is the human's file" \
	"$(as_nobody cat "$P2/.claude/settings.json")" '{"human":"settings"}'
rm "$P2/.claude"
o=$(sb "$P2" -- sh -c "ln -s '$NB_HOME/.claude' .claude && echo linked" 2>&1)
like "inside: the agent links .claude to ~/.claude" "$o" "linked"
like "at the end the link itself is moved to the quarantine" "$o" "moved $P2/.claude -> [^ ]*/quarantine/[^ ]*/\.claude: "
is "the human's ~/.claude/settings.json is where it was, unchanged" "$(cat "$NB_HOME/.claude/settings.json" 2>&1)" '{"human":"settings"}'
[ ! -e "$P2/.claude" ] && ok "the link is gone from the project" || not_ok "the link is gone from the project"
rm -f "$P2/.claude"; [ -f "$NB_HOME/.claude/settings.json" ] || printf '{"human":"settings"}\n' >"$NB_HOME/.claude/settings.json"
# a symlink that was there at the start is not followed either: what
# appeared behind it is reported, not moved
mkdir -p "$P2/claude-dir" && ln -s claude-dir "$P2/.claude"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P2"
o=$(sb "$P2" -- sh -c 'echo "{\"hooks\":1}" >.claude/settings.json && echo planted' 2>&1)
like "inside: the agent writes .claude/settings.json through a link that was there" "$o" "planted"
like "at the end it is reported as not moved, with the link" "$o" "not moved: $P2/.claude/settings.json \(through the symbolic link $P2/.claude\)"
[ -f "$P2/claude-dir/settings.json" ] && [ -L "$P2/.claude" ] && ok "and left where it is for the human to look at" ||
	not_ok "and left where it is for the human to look at"
rm -rf "$P2/claude-dir" "$P2/.claude"

# --- 5. a new .git that leads to another repository of the human's: its
# config and hooks stay, the agent's .git entry goes ---
H2="$T/human-repo"
git init -q "$H2" && git -C "$H2" config alias.st status
printf '#!/bin/sh\n' >"$H2/.git/hooks/pre-commit"; chmod 0755 "$H2/.git/hooks/pre-commit"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$H2"
o=$(sb "$P2" -- sh -c "mkdir inner && ln -s '$H2/.git' inner/.git && echo linked" 2>&1)
like "inside: the agent links inner/.git to a repository of the human's" "$o" "linked"
like "at the end the link is moved" "$o" "moved $P2/inner/.git -> "
check "the human's repository keeps its config and hook" test -f "$H2/.git/config" -a -f "$H2/.git/hooks/pre-commit"
is "control: its config sets a key the sweep counts as code" "$(as_nobody git -C "$H2" config alias.st)" status

# --- 6. the index sweep blocked: chmod 0555 on .git and the project, and an
# index.lock made in the session ---
STAGE='git update-index --add --cacheinfo 100644,$(git hash-object -w /dev/null),.env'
BLOCK="$STAGE && touch .git/index.lock && chmod 0555 .git . && echo blocked"
CP="$T/ctl-lock"; control_copy "$CP"
(cd "$CP" && as_nobody sh -c "$BLOCK") >/dev/null 2>&1
# the human, outside, sees git refuse, clears the way, commits
(cd "$CP" && as_nobody sh -c 'chmod 755 . .git && rm -f .git/index.lock')
human_commit "$CP"
if objects "$CP" | grep -qF -- "$C"; then
	ok "control: without the sweep, the human's commit -a stores the real .env"
else not_ok "control: without the sweep, the human's commit -a stores the real .env"; fi
o=$(sb "$P" -- sh -c "$BLOCK" 2>&1)
like "inside: the agent stages .env, leaves a lock, makes .git and the project read-only" "$o" "blocked"
like "at the end the modes are set back" "$o" "set the mode of $P from 0555 back to 0755"
like "the session's index.lock is moved aside, and said so" "$o" "moved $P/.git/index.lock, made during the session, to index.lock.hush-quarantine"
like "and .env removed from the index" "$o" "removed $P/.env from the git index"
is "the project and .git are writable again" "$(mode "$P") $(mode "$P/.git")" "755 755"
as_nobody chmod 755 "$P" "$P/.git"; rm -f "$P/.git/index.lock"
human_commit "$P"
assert_absent "the human's commit -a afterwards stores no canary" "$C" <(objects "$P")
rm -f "$P/.git/index.lock.hush-quarantine"
(cd "$P" && as_nobody git rm -qf --cached --ignore-unmatch .env)

# a lock that was there before the session is another git's: left, and said
(cd "$P" && as_nobody touch .git/index.lock)
ino=$(stat -c %i "$P/.git/index.lock")
# (git refuses to write the index then; the agent writes it another way)
o=$(sb "$P" -- sh -c "i=\$(mktemp) && cp .git/index \$i && GIT_INDEX_FILE=\$i $STAGE && cp \$i .git/index && echo staged" 2>&1)
like "inside: the agent stages .env around a lock that was there" "$o" "staged"
like "at the end hush says the lock was there before and the index was not cleaned" "$o" "cleaning the git index: $P/.git/index.lock was there before the session \(another git running\?\): the index was not cleaned"
is "the lock is left in place" "$(stat -c %i "$P/.git/index.lock")" "$ino"
rm -f "$P/.git/index.lock"
(cd "$P" && as_nobody git rm -qf --cached .env)

# chmod 000 on the index itself
o=$(sb "$P" -- sh -c "$STAGE && chmod 000 .git/index && echo shut" 2>&1)
like "inside: the agent stages .env and makes the index unreadable" "$o" "shut"
like "at the end the index gets u+rw back" "$o" "set the mode of $P/.git/index from 0000 back to 0600"
like "and .env is removed from it" "$o" "removed $P/.env from the git index"
as_nobody chmod 644 "$P/.git/index"
human_commit "$P"
assert_absent "the human's commit -a afterwards stores no canary" "$C" <(objects "$P")

# --- 7. a FIFO where the sweep reads a file does not hang it ---
mkfifo "$T/fifo"
timeout 5 cat "$T/fifo" >/dev/null; rc=$?
is "control: reading a FIFO nobody writes to blocks (killed by timeout)" "$rc" 124
o=$(cd "$P" && as_nobody timeout -k 5 120 "$NB_BIN/hush" sandbox -- sh -c 'rm .git/index && mkfifo .git/index &&
	git init -q inner && rm inner/.git/config && mkfifo inner/.git/config && echo fifos' 2>&1); rc=$?
like "inside: the agent puts FIFOs at .git/index and a new repository's config" "$o" "fifos"
# (timeout exits 124, or 137 when it had to kill)
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] && ok "hush sandbox ends (the sweep did not wait on a FIFO)" || not_ok "hush sandbox ends (the sweep did not wait on a FIFO)"
like "the index that is not a file is reported" "$o" "reading the git index of $P: it is not a regular file"
like "the FIFO config of the new repository is moved" "$o" "moved $P/inner/.git/config -> "
rm -f "$P/.git/index"; rm -rf "$P/inner"
(cd "$P" && as_nobody git read-tree HEAD)

# --- 8. a .env on a file system mounted in the project (a tmpfs, a bind
# mount of a directory from elsewhere) is masked like any other ---
if ! is_root || ! mkdir -p "$P/vol" "$P/bound" "$T/elsewhere" || ! mount -t tmpfs -o mode=0755 tmpfs "$P/vol"; then
	skip "mounting in the project needs root"
else
	at_exit "umount '$P/vol'"
	mount --bind "$T/elsewhere" "$P/bound" && at_exit "umount '$P/bound'"
	mkdir -p "$P/vol/sub"
	printf 'TOKEN=%s\n' "$C" >"$P/vol/.env"
	printf 'TOKEN=%s\n' "$C" >"$P/bound/.env"
	printf 'TOKEN=%s\n' "$C" >"$P/vol/sub/.env"
	chown -R "$NOBODY_UID:$NOBODY_UID" "$P/vol" "$T/elsewhere"
	# read by the syscall instruction: the shim does not see it, only the
	# mount masks stand in the way
	${CC:-cc} -O1 -DNO_URING -o "$NB_BIN/reader" "$HUSH_SRC/tests/sandbox/reader.c" && chmod 0755 "$NB_BIN/reader"
	READ='for f in vol/.env bound/.env vol/sub/.env; do reader raw $f; done; echo read'
	is "control: outside, the .env files on the mounts are read" \
		"$(cd "$P" && as_nobody sh -c "$READ" 2>&1 | grep -c "$C")" 3
	o=$(sb "$P" -- sh -c "$READ" 2>&1)
	like "inside: the agent reads them by raw system calls" "$o" "read"
	[[ "$o" != *"$C"* ]] && ok "and gets the empty masks" || not_ok "and gets the empty masks"
	# the index sweep knows them as hidden: git add -f, then the human's commit -a
	o=$(sb "$P" -- sh -c 'e=$(git hash-object -w /dev/null) &&
		git update-index --add --cacheinfo 100644,$e,vol/.env --cacheinfo 100644,$e,bound/.env && echo staged' 2>&1)
	like "inside: the agent stages them" "$o" "staged"
	like "at the end they are removed from the index" "$o" "removed $P/bound/.env from the git index.*"$'\n'".*removed $P/vol/.env from the git index"
	human_commit "$P"
	assert_absent "the human's commit -a afterwards stores no canary" "$C" <(objects "$P")
	# a repository on the mount gets its hooks protected
	git init -q "$P/vol/repo" && chown -R "$NOBODY_UID:$NOBODY_UID" "$P/vol/repo"
	o=$(sb "$P" -- sh -c "cd vol/repo && $HOOK && echo hook-written" 2>&1)
	[[ "$o" != *hook-written* ]] && ok "a repository on the mount: its hooks are read-only" || not_ok "a repository on the mount: its hooks are read-only"
	(cd "$P/vol/repo" && as_nobody sh -c "$HOOK") && ok "control: outside, the hook can be written" || not_ok "control: outside, the hook can be written"
fi

# --- 9. a hush sandbox killed (SIGKILL) before its end: the next one runs
# its sweep from the journal it left ---
rm -f "$P/.mcp.json" "$SBX/ready" "$SBX/hush.pid" "$SBX/go"
# waits (without a time limit a loaded machine could outrun) for a file
wait_for() { local i; for ((i = 0; i < 1200; i++)); do [ -e "$1" ] && return 0; sleep 0.1; done; return 1; }
KILLED="$STAGE && echo build/ >.gitignore && chmod 000 .git && echo '{}' >.mcp.json && touch '$SBX/ready' && exec sleep 600"
(cd "$P" && as_nobody sh -c 'echo $$ >"$0/hush.pid"; exec hush sandbox -- sh -c "$1"' "$SBX" "$KILLED") >"$T/killed.out" 2>&1 &
bg=$!
if wait_for "$SBX/ready"; then
	kill -KILL "$(cat "$SBX/hush.pid")"
	wait "$bg"
	ok "inside: the agent stages .env, un-ignores it, makes .git unreadable, writes .mcp.json; hush is killed"
else
	not_ok "inside: the agent stages .env, un-ignores it, makes .git unreadable, writes .mcp.json; hush is killed"
	cat "$T/killed.out"
fi
is "control: after the kill, nothing was swept (.git is still mode 0)" "$(mode "$P/.git")" 0
as_nobody chmod 755 "$P/.git"
is "control: and .env is still in the index, for the human's commit -a" "$(cd "$P" && as_nobody git ls-files .env)" ".env"
as_nobody chmod 000 "$P/.git"
[ -n "$(ls "$NB_HOME/.local/share/hush/sessions/" 2>/dev/null)" ] && ok "the killed session left its journal" ||
	not_ok "the killed session left its journal"
o=$(sb "$P" -- true 2>&1)
like "the next hush sandbox says an earlier session ended without its sweep" "$o" "a session in $P ended without its end-of-session sweep \(killed\?\): running it now"
like "it sets the mode of .git back" "$o" "set the mode of $P/.git from 0000 back to 0755"
like "removes .env from the index" "$o" "removed $P/.env from the git index"
like "moves .mcp.json to the quarantine" "$o" "moved $P/.mcp.json -> "
like "and makes git ignore .env again" "$o" "git ignored $P/.env at the start of the session and no longer did .*: ignored again by a line at the end of $P/.gitignore"
[ -z "$(ls "$NB_HOME/.local/share/hush/sessions/" 2>/dev/null)" ] && ok "no journal is left" || not_ok "no journal is left"
human_commit "$P"
assert_absent "the human's commit -a afterwards stores no canary" "$C" <(objects "$P")

# the journal of a session that is still running is not swept by another
rm -f "$SBX/go" "$SBX/ready"
LIVE="$STAGE && touch '$SBX/ready' && while [ ! -e '$SBX/go' ]; do sleep 0.1; done"
(cd "$P" && as_nobody "$NB_BIN/hush" sandbox -- sh -c "$LIVE") >"$T/live.out" 2>&1 &
bg=$!
wait_for "$SBX/ready"
o=$(sb "$P" -- true 2>&1)
[[ "$o" != *"ended without"* ]] && ok "a second hush sandbox leaves a running session's journal alone" ||
	not_ok "a second hush sandbox leaves a running session's journal alone"
touch "$SBX/go"
wait "$bg"
like "the running session sweeps at its own end" "$(cat "$T/live.out")" "removed $P/.env from the git index"

# --- git directories git finds that are not named .git ---
# a source directory made into a bare repository (HEAD, objects/, refs/,
# config with core.fsmonitor): git started there uses its config
BARE='mkdir -p src/objects src/refs && echo x >src/main.c && echo "ref: refs/heads/master" >src/HEAD &&
	printf "[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = .\n\tfsmonitor = \"echo PWNED >>'"$PW"'; false\"\n" >src/config'
# a .git file padded past 4096 bytes with newlines: git still follows it
BIG='mkdir -p pkg gd/objects gd/refs && echo "ref: refs/heads/main" >gd/HEAD &&
	printf "[core]\n\tfsmonitor = echo PWNED >>'"$PW"'\n" >gd/config &&
	{ printf "gitdir: ../gd"; head -c 5000 /dev/zero | tr "\0" "\n"; } >pkg/.git'
human_status() { (cd "$1" && as_nobody sh -c 'git status --short >/dev/null 2>&1'); }
for kind in BARE BIG; do
	sub=$([ $kind = BARE ] && echo src || echo pkg)
	CP="$T/ctl-$kind"; control_copy "$CP"
	(cd "$CP" && as_nobody sh -c "${!kind}") >/dev/null 2>&1
	human_status "$CP/$sub"
	[ -s "$PW" ] && ok "control ($kind): outside, the human's git status in $sub/ runs the agent's fsmonitor" ||
		not_ok "control ($kind): outside, the human's git status in $sub/ runs the agent's fsmonitor"
	rm -f "$PW"
	o=$(sb "$P" -- sh -c "${!kind} && echo made" 2>&1)
	like "inside ($kind): the agent makes it" "$o" "made"
	human_status "$P/$sub"
	[ ! -e "$PW" ] && ok "after the session ($kind): the human's git status in $sub/ runs nothing planted" ||
		{ not_ok "after the session ($kind): the human's git status in $sub/ runs nothing planted"; echo "#   $o" | head -3; }
	rm -rf "$P/src" "$P/pkg" "$P/gd" "$PW"
done

# --- a nested repository whose git directory names, with commondir, a
# plain directory of the project (or one outside it) holding the config,
# staged in the parent as a gitlink: the parent's git status runs git in it ---
SUBREPO='mkdir sub && (cd sub && git init -q && git -c user.name=a -c user.email=b commit -q --allow-empty -m s) &&
	h=$(git -C sub rev-parse HEAD) && mkdir -p "$CD" && mv sub/.git/* "$CD"/ && echo "$PTR" >sub/.git/commondir &&
	cp "$CD/HEAD" sub/.git/ && printf "[core]\n\tfsmonitor = \"echo PWNED >>'"$PW"'; false\"\n" >>"$CD/config" &&
	git update-index --add --cacheinfo 160000,$h,sub'
human_parent() { (cd "$1" && as_nobody sh -c 'git status --short >/dev/null 2>&1; git -c user.name=h -c user.email=h@e commit -qam wip >/dev/null 2>&1'); }
# parent_control WHAT AGENT: outside, AGENT in a copy of the project; then
# the human's git status in the parent runs the agent's fsmonitor
parent_control() {
	local cp="$T/ctl-parent"
	control_copy "$cp"
	(cd "$cp" && as_nobody sh -c "$2") >/dev/null 2>&1
	human_parent "$cp"
	[ -s "$PW" ] && ok "control ($1): outside, the human's git status in the parent runs the agent's fsmonitor" ||
		not_ok "control ($1): outside, the human's git status in the parent runs the agent's fsmonitor"
	rm -rf "$PW" "$cp" "$SBX/cd"
}
# parent_after WHAT OUT: after the session (whose output was OUT) the
# human's git status in the parent runs nothing planted
parent_after() {
	human_parent "$P"
	[ ! -e "$PW" ] && ok "after the session ($1): the human's git status in the parent runs nothing planted" ||
		{ not_ok "after the session ($1): the human's git status in the parent runs nothing planted"; echo "#   $2" | head -3; }
}
for kind in "in the project:cd:../../cd" "without HEAD:cd:../../cd" "outside the project:$SBX/cd:$SBX/cd"; do
	what=${kind%%:*} cd=${kind#*:} ptr=${kind##*:}
	cd=${cd%%:*}
	agent="CD='$cd' PTR='$ptr' && $SUBREPO"
	[ "$what" = "without HEAD" ] && agent="$agent && rm cd/HEAD"
	parent_control "$what" "$agent"
	o=$(sb "$P" -- sh -c "$agent && echo made" 2>&1)
	like "inside ($what): the agent makes sub/ and stages it as a gitlink" "$o" "made"
	if [ "$what" = "outside the project" ]; then
		like "at the end its commondir file is moved" "$o" "moved $P/sub/.git/commondir -> "
	else
		like "at the end the config of the directory its commondir names is moved" "$o" "moved $P/cd/config -> "
	fi
	like "and the new gitlink is reported" "$o" "$P/sub was added to the git index as a submodule during the session"
	parent_after "$what" "$o"
	(cd "$P" && as_nobody git rm -q --cached sub) >/dev/null 2>&1
	rm -rf "$P/sub" "$P/cd" "$SBX/cd" "$PW"
done

# a nested repository under node_modules (which the sweep's walk skips),
# its config running code, staged in the parent as a gitlink
NMREPO='mkdir -p node_modules/x && (cd node_modules/x && git init -q && git -c user.name=a -c user.email=b commit -q --allow-empty -m s &&
	git config core.fsmonitor "echo PWNED >>'"$PW"'; false") && git update-index --add --cacheinfo 160000,$(git -C node_modules/x rev-parse HEAD),node_modules/x'
parent_control "under node_modules" "$NMREPO"
o=$(sb "$P" -- sh -c "$NMREPO && echo made" 2>&1)
like "inside: the agent makes node_modules/x and stages it as a gitlink" "$o" "made"
like "at the end the config of the submodule's repository is moved" "$o" "moved $P/node_modules/x/.git/config -> .*: it would run code in the repository of a submodule"
parent_after "under node_modules" "$o"
(cd "$P" && as_nobody git rm -q --cached node_modules/x) >/dev/null 2>&1
rm -rf "$P/node_modules" "$PW"

# --- un-ignoring the hidden file, then the human's git add -A outside: a
# negation, the .gitignore line deleted, the .gitignore removed,
# .git/info/exclude or a core.excludesFile in the project emptied, a
# negation of the human's global excludes. Each in a fresh repository; the
# control is the same agent outside ---
# (vol/, from the mount part above, is left out)
human_add_all() { (cd "$1" && as_nobody sh -c "git add -A -- . ':!vol' && git -c user.name=h -c user.email=h@e commit -qm all-$2 >/dev/null 2>&1"); }
# ignore_proj DIR HOW: a repository whose .env (the canary) git ignores
# through HOW: gitignore, exclude, excludesfile or global
ignore_proj() {
	rm -rf "$1" && mkdir -p "$1" && (cd "$1" && git init -q . && printf 'readme\n' >README) || return 1
	case $2 in
	gitignore) printf 'node_modules/\n.env\n' >"$1/.gitignore" ;;
	exclude) printf '.env\n' >>"$1/.git/info/exclude" ;;
	excludesfile) printf '.env\n' >"$1/.ignored" && git -C "$1" config core.excludesFile "$1/.ignored" ;;
	global) mkdir -p "$NB_HOME/.config/git" && printf '.env\n' >"$NB_HOME/.config/git/ignore" ;;
	esac
	printf 'TOKEN=%s\n' "$C" >"$1/.env"
	(cd "$1" && git add -A -- . ':!.env' && git -c user.name=h -c user.email=h@e commit -qm init) >/dev/null 2>&1
	is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$1" "$NB_HOME"
}
# unignore_case LABEL FILE ACT WHERE: outside (the control), ACT in
# $T/ign-ctl makes the human's git add -A commit FILE's canary; inside, after
# ACT in $T/ign, hush ignores FILE again by a line at the end of WHERE and
# the human's git add -A stores no canary
unignore_case() {
	local label=$1 file=$2 act=$3 where=$4 o
	(cd "$T/ign-ctl" && as_nobody sh -c "$act") >/dev/null 2>&1
	human_add_all "$T/ign-ctl" ctl
	objects "$T/ign-ctl" | grep -qaF -- "$C" && ok "control ($label): outside, the human's git add -A then commits the real $file" ||
		not_ok "control ($label): outside, the human's git add -A then commits the real $file"
	o=$(sb "$T/ign" -- sh -c "$act && echo unignored" 2>&1)
	like "inside ($label): the agent un-ignores $file" "$o" "unignored"
	like "at the end hush says so and ignores it again" "$o" "git ignored $T/ign/$file at the start of the session and no longer did .*: ignored again by a line at the end of $where"
	human_add_all "$T/ign" real
	is "the human's git add -A and commit ran" "$(as_nobody git -C "$T/ign" log -1 --format=%s 2>/dev/null)" "all-real"
	assert_absent "... and stored no canary" "$C" <(objects "$T/ign")
}
for v in "gitignore:echo !.env >>.gitignore" "gitignore:sed -i /^.env\$/d .gitignore" "gitignore:rm .gitignore" \
	"exclude:: >.git/info/exclude" "excludesfile:: >.ignored" "global:echo !.env >.gitignore"; do
	how=${v%%:*} act=${v#*:}
	ignore_proj "$T/ign-ctl" "$how"; ignore_proj "$T/ign" "$how"
	human_add_all "$T/ign-ctl" before
	assert_absent "control ($how, $act): before, the human's git add -A stores no canary" "$C" <(objects "$T/ign-ctl")
	unignore_case "$how, $act" .env "$act" "$T/ign/.gitignore"
	o=$(sb "$T/ign" -- true 2>&1)
	is "the next session starts and ends without a word about it" "$o" ""
	rm -f "$NB_HOME/.config/git/ignore"
done
# a .gitignore the agent made a FIFO or a symlink: the line goes to
# info/exclude, and git still ignores the file
for act in "rm .gitignore && mkfifo .gitignore" "rm .gitignore && ln -s /dev/null .gitignore"; do
	ignore_proj "$T/ign" gitignore
	o=$(cd "$T/ign" && as_nobody timeout -k 5 200 "$NB_BIN/hush" sandbox -- sh -c "$act && echo replaced" 2>&1)
	like "inside: the agent replaces .gitignore ($act)" "$o" "replaced"
	[[ "$act" == *mkfifo* ]] && like "the FIFO is moved aside" "$o" "moved $T/ign/.gitignore, which was not a regular file \(git hangs on a FIFO there\), aside to .gitignore.hush-quarantine"
	like "at the end the line goes to .gitignore or info/exclude" "$o" "ignored again by a line at the end of $T/ign/(.gitignore|.git/info/exclude)"
	human_add_all "$T/ign" real
	assert_absent "the human's git add -A afterwards stores no canary" "$C" <(objects "$T/ign")
done
# a hidden file in a subdirectory whose own .gitignore cannot be written
# (the agent made the directory read-only, or the .gitignore a directory):
# the line goes to the next .gitignore up, which beats the negation there
for act in "chmod a-w sub" "mkdir sub/.gitignore"; do
	for d in "$T/ign-ctl" "$T/ign"; do
		rm -rf "$d" && mkdir -p "$d/sub" && (cd "$d" && git init -q . && printf 'node_modules/\n.env\n' >.gitignore &&
			printf 'TOKEN=%s\n' "$C" >sub/.env && printf 'x\n' >sub/code &&
			git add -A && git -c user.name=h -c user.email=h@e commit -qm init) >/dev/null 2>&1
		is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$d"
	done
	unignore_case "negation, then $act" sub/.env "echo '!sub/.env' >>.gitignore && $act" "$T/ign/.gitignore"
	chmod -R u+w "$T/ign-ctl" "$T/ign"
done

# --- the human's global git config names a path in every work tree
# (core.hooksPath = .githooks): the agent's new .githooks/pre-commit runs
# on the human's next commit unless it is moved at the end ---
printf '[core]\n\thooksPath = .githooks\n' >>"$NB_HOME/.gitconfig"
is_root && chown "$NOBODY_UID:$NOBODY_UID" "$NB_HOME/.gitconfig"
GHOOK="mkdir -p .githooks && printf '#!/bin/sh\necho PWNED-GLOBAL >>$PW\n' >.githooks/pre-commit && chmod +x .githooks/pre-commit && echo planted"
CP="$T/ctl-ghooks"; control_copy "$CP"; rm -f "$PW"
(cd "$CP" && as_nobody sh -c "$GHOOK") >/dev/null 2>&1
echo x >>"$CP/README"; human_commit "$CP"
[ -s "$PW" ] && ok "control: outside, a new .githooks/pre-commit runs on the human's commit (global core.hooksPath)" ||
	not_ok "control: outside, a new .githooks/pre-commit runs on the human's commit (global core.hooksPath)"
rm -f "$PW"
o=$(sb "$P" -- sh -c "$GHOOK" 2>&1)
like "inside: the agent writes .githooks/pre-commit" "$o" "planted"
like "at the end it is moved to the quarantine and said so" "$o" "moved $P/.githooks -> [^ ]*quarantine"
echo y >>"$P/README"; human_commit "$P"
[ ! -e "$PW" ] && ok "the human's commit afterwards runs nothing the agent planted" || not_ok "the human's commit afterwards runs nothing the agent planted"
mkdir -p "$P/.githooks" && printf '#!/bin/sh\nexit 0\n' >"$P/.githooks/pre-commit" && chmod +x "$P/.githooks/pre-commit"
is_root && chown -R "$NOBODY_UID:$NOBODY_UID" "$P/.githooks"
o=$(sb "$P" -- sh -c 'echo "echo PWNED" >>.githooks/pre-commit && echo hook-written; echo done' 2>&1)
[[ "$o" == *done* && "$o" != *hook-written* ]] && ok "an existing .githooks/ is read-only inside" || not_ok "an existing .githooks/ is read-only inside"
rm -rf "$P/.githooks" "$CP"
sed -i '/hooksPath = .githooks/d; /^\[core\]$/d' "$NB_HOME/.gitconfig"
