#!/usr/bin/env bash
# The aggregation benchmarks in wasm, in headless Chromium: builds crates/bench for wasm32 as the dashboard is
# built (cargo profile `dashboard`, wasm-opt -Oz), then times each function over the same synthetic data as the
# native criterion bench (`cargo bench -p tickscope-bench --bench aggregate`). Not part of the tests.
#
#   ./scripts/bench-wasm.sh [ITEMS] [RUNS]        (default 1000000 items, 15 runs)
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

[[ ${TICKSCOPE_SETUP_DONE:-} == 1 ]] || ./scripts/setup.sh
target=${CARGO_TARGET_DIR:-target}
out="$target/bench-wasm"
cargo build -p tickscope-bench --target wasm32-unknown-unknown --profile dashboard --quiet
wasm-bindgen --target web --out-dir "$out" "$target/wasm32-unknown-unknown/dashboard/tickscope_bench.wasm"
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$out/tickscope_bench_bg.wasm" -o "$out/tickscope_bench_bg.wasm"
node bench/wasm.mjs "$out" "${1:-1000000}" "${2:-15}"
