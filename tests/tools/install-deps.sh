#!/bin/sh
# Install the Debian packages named as arguments that are not installed yet:
# apt-get as root, or through sudo.  Says clearly what it could not install.
set -u
missing=""
for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "make deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    run=""
elif command -v sudo >/dev/null 2>&1; then
    run="sudo"
else
    echo "make deps: cannot install$missing: not root and no sudo. Install them and run make again." >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# A stale package index makes installs fail with 404s: refresh it once on failure.
# shellcheck disable=SC2086
if ! $run apt-get install -y --no-install-recommends $missing; then
    $run apt-get update && $run apt-get install -y --no-install-recommends $missing || {
        echo "make deps: apt-get could not install:$missing" >&2
        exit 1
    }
fi
