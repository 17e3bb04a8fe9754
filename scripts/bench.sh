#!/usr/bin/env bash
# Every benchmark that compares Tickscope with the peer (bench/peer/: the plain JavaScript client a user would write),
# side by side in one run, in headless Chromium against release servers on 127.0.0.1; prints the table that
# BENCHMARKS.md keeps. Not part of the tests, and never pass/fail on time.
#
#   ./scripts/bench.sh [RUNS] [SECTIONS]   (default 3 runs of every section, about 10 minutes; see bench/run.mjs)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

[[ ${TICKSCOPE_SETUP_DONE:-} == 1 ]] || ./scripts/setup.sh
export TICKSCOPE_SETUP_DONE=1
target=${CARGO_TARGET_DIR:-target}

step "dashboard (release)" ./scripts/build-dashboard.sh
step "server (release)" cargo build --release -p tickscope-server --quiet
# The benchmark module: the same core, built as the dashboard is (profile `dashboard`, wasm-opt -Oz).
wasm_dir="$target/bench-wasm"
build_wasm() {
    cargo build -p tickscope-bench --target wasm32-unknown-unknown --profile dashboard --quiet
    wasm-bindgen --target web --out-dir "$wasm_dir" "$target/wasm32-unknown-unknown/dashboard/tickscope_bench.wasm"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
        "$wasm_dir/tickscope_bench_bg.wasm" -o "$wasm_dir/tickscope_bench_bg.wasm"
}
step "benchmark module (wasm)" build_wasm

db="$target/bench/bench.db"
if [[ ! -s $db ]]; then
    mkdir -p "$(dirname "$db")"
    step "demo data" "$target/release/tickscope-server" --db "$db" seed-demo
fi

TICKSCOPE_SERVER_BIN="$target/release/tickscope-server" TICKSCOPE_DB="$db" BENCH_WASM_DIR="$wasm_dir" \
    node bench/run.mjs "$@"

# The collector: the exchange simulator into SQLite (its own table in BENCHMARKS.md).
TICKSCOPE_SERVER_BIN="$target/release/tickscope-server" ./scripts/bench-collector.sh

# Following live: delay to the dashboard, requests per minute, a tab's memory over 30 minutes.
TICKSCOPE_SERVER_BIN="$target/release/tickscope-server" ./scripts/bench-follow.sh
