# bash completion for authtxt(1); `make install` puts it in
# $(PREFIX)/share/bash-completion/completions/authtxt.
_authtxt()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        lint | explain | fetch | diff) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    case $prev in
    --type) COMPREPLY=($(compgen -W "spf dmarc dkim dkim-sig" -- "$cur")); return ;;
    --zone | --load | --against | --domains | --save-dns | --dns-file | --doh-cafile)
        COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --dns | --doh | --timeout | --selector | --concurrency | --origin | --spf | --dmarc | --dkim)
        return ;;
    esac
    local net="--selector --dns --doh --doh-insecure --doh-cafile --timeout --save-dns --dns-file"
    local opts
    case $cmd in
    lint) opts="--type --json --zone --origin --spf --dmarc --dkim --help --version" ;;
    explain) opts="--type --json --help --version" ;;
    fetch) opts="--json --strings --domains --jsonl --csv --concurrency $net --help --version" ;;
    diff) opts="--load --spf --dmarc --dkim --against --json $net --help --version" ;;
    *)
        if [[ $cur != -* ]]; then
            COMPREPLY=($(compgen -W "lint explain fetch diff" -- "$cur"))
            return
        fi
        opts="--example --load --no-color $net --help --version"
        ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    fi
}
complete -F _authtxt authtxt
