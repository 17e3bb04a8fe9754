#!/usr/bin/env bash
# Builds everything for release and runs the local Tickscope server: the dashboard and the API on one address,
# collecting live data as it serves: from the exchange simulator (the demo market, continued from now), or from
# TICKSCOPE_COLLECT_URL when set (e.g. wss://ws.bitstamp.net for the real exchange).
#   TICKSCOPE_ADDR         address to listen on (default 127.0.0.1:8080)
#   TICKSCOPE_DB           SQLite database (default data/tickscope.db; the historical demo window is generated on
#                          first start)
#   TICKSCOPE_COLLECT_URL  Bitstamp's WebSocket API or a stand-in (default: a local exchange-sim)
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
bin="${CARGO_TARGET_DIR:-target}/release/tickscope-server"

if [[ -z ${TICKSCOPE_COLLECT_URL:-} ]]; then
    # The simulator on a free port; its first line names it. It goes when this script does.
    sim_out=$(mktemp)
    "$bin" exchange-sim --addr 127.0.0.1:0 >"$sim_out" &
    sim=$!
    trap 'kill "$sim" 2>/dev/null; rm -f "$sim_out"' EXIT
    for _ in $(seq 100); do
        [[ -s $sim_out ]] && break
        sleep 0.1
    done
    TICKSCOPE_COLLECT_URL=$(sed -n 's/^listening on //p' "$sim_out" | head -n 1)
    [[ -n $TICKSCOPE_COLLECT_URL ]] || { echo "exchange-sim did not start" >&2; exit 1; }
    printf '\n==> exchange simulator on %s\n' "$TICKSCOPE_COLLECT_URL"
fi
export TICKSCOPE_COLLECT_URL
printf '\n==> starting tickscope-server on %s (database %s, collecting from %s)\n' "$addr" "$db" "$TICKSCOPE_COLLECT_URL"

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
"$bin" serve --addr "$addr" --db "$db" --dist dist --collect | announce
