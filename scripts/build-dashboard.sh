#!/usr/bin/env bash
# Builds the dashboard for release into dist/ (trunk: cargo build for wasm32, wasm-bindgen, wasm-opt -Oz).
# Runs setup.sh first unless the caller already did (TICKSCOPE_SETUP_DONE=1).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

if [[ ${TICKSCOPE_SETUP_DONE:-} != 1 ]]; then
    ./scripts/setup.sh
fi

# Trunk.toml's `offline = true` makes trunk run cargo with --offline: fetch the crates first (instant when present).
cargo fetch --target wasm32-unknown-unknown --quiet
# The parts of ECharts the charts use (web/echarts.mjs), one classic script that index.html hands to trunk.
node_modules/.bin/esbuild web/echarts.mjs --bundle --minify --format=iife --global-name=echarts \
    --define:process.env.NODE_ENV='"production"' --legal-comments=eof --log-level=warning \
    --outfile=target/echarts/echarts.js
trunk build --release
node scripts/csp.mjs dist
# Static hosts (GitHub Pages, S3 website) answer unknown paths with 404.html: the app explains a bad link itself.
cp dist/index.html dist/404.html

find dist -name '*.wasm' -o -name '*.js' | sort | while read -r f; do
    printf 'dist: %-40s %6d KB (%d KB gzipped)\n' "${f#dist/}" $(($(stat -c %s "$f") / 1024)) $(($(gzip -c "$f" | wc -c) / 1024))
done
