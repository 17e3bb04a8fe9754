#!/usr/bin/env bash
# Builds everything for release and runs the local Tickscope server: the dashboard and the API on one address.
#   TICKSCOPE_ADDR  address to listen on (default 127.0.0.1:8080)
#   TICKSCOPE_DB    SQLite database (default data/tickscope.db; demo data is generated on first start)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

addr=${TICKSCOPE_ADDR:-127.0.0.1:8080}
db=${TICKSCOPE_DB:-data/tickscope.db}

step "setup" ./scripts/setup.sh
export TICKSCOPE_SETUP_DONE=1
step "dashboard (trunk build --release)" ./scripts/build-dashboard.sh
step "server (cargo build --release)" cargo build --release -p tickscope-server

mkdir -p "$(dirname "$db")"
printf '\n==> starting tickscope-server on %s (database %s)\n' "$addr" "$db"

# Pass the server's output through, and announce its URL once it listens.
announce() {
    # Ctrl-C is for the server, which shuts down gracefully; keep passing its output through until it ends.
    trap '' INT
    local line url
    while IFS= read -r line; do
        printf '%s\n' "$line"
        if [[ $line =~ listening\ on\ (https?://[^[:space:]]+) ]]; then
            url=${BASH_REMATCH[1]}
            url=${url/\/\/0.0.0.0:/\/\/127.0.0.1:}
            url=${url/\/\/\[::\]:/\/\/127.0.0.1:}
            printf '\n\033[1;32m  ==================================================\n'
            printf '    Tickscope is running:  %s/\n' "${url%/}"
            printf '    API:                   %s/prod/channels\n' "${url%/}"
            printf '    Stop it with Ctrl-C.\n'
            printf '  ==================================================\033[0m\n\n'
        fi
    done
}
"${CARGO_TARGET_DIR:-target}/release/tickscope-server" serve --addr "$addr" --db "$db" --dist dist | announce
