#compdef authtxt
# zsh completion for authtxt(1); `make install` puts it in
# $(PREFIX)/share/zsh/site-functions/_authtxt.

local -a net
net=(
  '*--selector[DKIM selector to fetch]:selector'
  '--dns[DNS server]:HOST[:PORT]'
  '--doh[DNS over HTTPS URL]:url'
  '--doh-insecure[do not verify the DoH certificate]'
  '--doh-cafile[CA file for the DoH server]:file:_files'
  '--timeout[milliseconds per try]:ms'
  '--save-dns[write every DNS answer used]:file:_files'
  '--dns-file[answer from a capture file, no network]:file:_files'
)

_authtxt_cmd() {
  case $words[1] in
  lint)
    _arguments '--type[record kind]:kind:(spf dmarc dkim dkim-sig)' '--json[JSON output]' \
      '--zone[lint every TXT record of a zone file]:file:_files' \
      '--origin[origin of a zone fragment]:name' '--spf[SPF record]:record' \
      '--dmarc[DMARC record]:record' '*--dkim[DKIM key record]:record' '--help' '--version' \
      '1::record'
    ;;
  explain)
    _arguments '--type[record kind]:kind:(spf dmarc dkim dkim-sig)' '--json[JSON output]' \
      '--help' '--version' '1::record'
    ;;
  fetch)
    _arguments '--json[JSON output]' '--strings[show the string split]' \
      '--domains[many domains, one a line]:file:_files' '--jsonl[one JSON object a line]' \
      '--csv[one CSV row a domain]' '--concurrency[queries in flight]:n' $net '--help' \
      '--version' '1::domain'
    ;;
  diff)
    _arguments '--load[drafts zone file]:file:_files' '--spf[SPF draft]:record' \
      '--dmarc[DMARC draft]:record' '--dkim[DKIM key draft]:record' \
      '--against[live records from a zone file]:file:_files' '--json[JSON output]' $net \
      '--help' '--version' '1::domain'
    ;;
  esac
}

_arguments -C '--example[start on the example drafts]' '--load[open drafts]:file:_files' \
  '--no-color[no colours]' $net '--help' '--version' \
  '1: :((lint\:"check records" explain\:"explain a record" fetch\:"fetch live records" diff\:"compare drafts with live"))' \
  '*:: :_authtxt_cmd'
