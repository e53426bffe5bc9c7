# SPDX-License-Identifier: ISC
# bash completion for hush: commands and options from hush's own help text,
# grant and profile names from the config, secret names (never values) from
# the vault when it opens without asking (keyring vault; a passphrase vault
# is not prompted for).
_hush_commands() { hush help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }'; }
_hush_options() { hush "$1" --help 2>/dev/null | grep -o -- '--[a-z][a-z-]*' | sort -u; }
_hush_config_names() {
	local f
	f=$(hush config path 2>/dev/null) || return
	[ -r "$f" ] && sed -n "s/^[[:space:]]*\[$1[[:space:]][[:space:]]*\([^]]*\)\].*/\1/p" "$f"
}
_hush_secrets() { HUSH_ASKPASS=false hush list </dev/null 2>/dev/null | awk 'NR > 1 { print $1 }'; }

_hush() {
	local cur prev cmd i
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--) return 0 ;;   # after --: the agent's or command's own words
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$(_hush_commands)" -- "$cur"))
		return 0
	fi
	case $prev in
	--grant) COMPREPLY=($(compgen -W "$(_hush_config_names grant)" -- "$cur")); return 0 ;;
	--profile) COMPREPLY=($(compgen -W "$(_hush_config_names profile) claude opencode codex aider gemini" -- "$cur")); return 0 ;;
	--format) COMPREPLY=($(compgen -W "text json sarif" -- "$cur")); return 0 ;;
	--passphrase-fd|--for|--since) return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_hush_options "$cmd")" -- "$cur"))
		return 0
	fi
	case $cmd in
	get|rm|set) COMPREPLY=($(compgen -W "$(_hush_secrets)" -- "$cur")) ;;
	help) COMPREPLY=($(compgen -W "$(_hush_commands)" -- "$cur")) ;;
	config) COMPREPLY=($(compgen -W "check path" -- "$cur")) ;;
	grant) COMPREPLY=($(compgen -W "list" -- "$cur")) ;;
	import|migrate|scan|shims) COMPREPLY=($(compgen -f -- "$cur")) ;;
	esac
	return 0
}
complete -o default -F _hush hush
