# Sourced by the other scripts: work from the repository root, with the project's tools first on PATH.
# shellcheck shell=bash

TICKSCOPE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TICKSCOPE_ROOT" || exit 1

# node_modules/.bin first: trunk must find npm binaryen's wasm-opt (version_132) before Debian's older one.
# Then cargo's bin dir, where setup.sh installs trunk and wasm-bindgen.
export PATH="$TICKSCOPE_ROOT/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# step NAME COMMAND...: run a command under a visible header and report how long it took.
step() {
    local name=$1 start=$SECONDS
    shift
    printf '\n\033[1m==> %s\033[0m\n' "$name"
    "$@"
    printf '\033[1m<== %s: ok (%ds)\033[0m\n' "$name" $((SECONDS - start))
}
