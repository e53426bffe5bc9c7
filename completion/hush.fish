# SPDX-License-Identifier: ISC
# fish completion for hush: commands and options from hush's own help text,
# grant and profile names from the config, secret names (never values) from
# the vault when it opens without asking (a passphrase vault is not
# prompted for).
function __hush_commands
    hush help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { n = $1; $1 = ""; sub(/^ +/, ""); print n "\t" $0 }'
end
function __hush_cmd
    set -l words (commandline -opc)
    for w in $words[2..-1]
        switch $w
            case '--'
                return 1
            case '-*'
            case '*'
                echo $w
                return 0
        end
    end
    return 1
end
function __hush_no_cmd
    not __hush_cmd >/dev/null
end
function __hush_options
    set -l c (__hush_cmd); or return
    hush $c --help 2>/dev/null | string match -ar -- '--[a-z][a-z-]*' | sort -u
end
function __hush_config_names
    set -l f (hush config path 2>/dev/null); or return
    test -r $f; and sed -n "s/^[[:space:]]*\[$argv[1][[:space:]][[:space:]]*\([^]]*\)\].*/\1/p" $f
end
function __hush_secrets
    env HUSH_ASKPASS=false hush list </dev/null 2>/dev/null | awk 'NR > 1 { print $1 }'
end
function __hush_cmd_is
    contains -- (__hush_cmd) $argv
end

complete -c hush -f
complete -c hush -n __hush_no_cmd -a '(__hush_commands)'
complete -c hush -n 'not __hush_no_cmd' -a '(__hush_options)'
complete -c hush -n '__hush_cmd_is get rm set' -a '(__hush_secrets)'
complete -c hush -n '__hush_cmd_is help' -a '(__hush_commands)'
complete -c hush -n '__hush_cmd_is config' -a 'check path'
complete -c hush -n '__hush_cmd_is grant' -a 'list'
complete -c hush -n '__hush_cmd_is import migrate scan shims' -F
complete -c hush -l grant -x -a '(__hush_config_names grant)'
complete -c hush -l profile -x -a '(__hush_config_names profile) claude opencode codex aider gemini'
complete -c hush -l format -x -a 'text json sarif'
