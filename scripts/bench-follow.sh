#!/usr/bin/env bash
# Following live (a section of scripts/bench.sh; BENCHMARKS.md's "Following live" table): the delay from an item's
# arrival in the store to the dashboard's count, requests per minute per channel, and a tab's memory following
# `from=now-15m`. Release builds, the exchange simulator recorded by `serve --collect`, headless Chromium.
#
#   ./scripts/bench-follow.sh [LATENCY_MINUTES [MEMORY_MINUTES]]   (default 5 and 30: about 35 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
bin=${TICKSCOPE_SERVER_BIN:-$target/release/tickscope-server}
[[ -x $bin ]] || cargo build --release -p tickscope-server --quiet
[[ -f dist/index.html ]] || ./scripts/build-dashboard.sh
TICKSCOPE_SERVER_BIN="$bin" node bench/follow.mjs "$@"
