#!/usr/bin/env bash
# Every test of the project (CI runs this through .ci/run):
# formatting, clippy (native and wasm32), cargo tests, a release build of the dashboard, end-to-end browser tests.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"
started=$SECONDS

step "setup" ./scripts/setup.sh
export TICKSCOPE_SETUP_DONE=1

step "cargo fmt" cargo fmt --all --check
# Native: the core and the server. The dashboard only builds for wasm32.
step "clippy (native)" cargo clippy --workspace --exclude tickscope --all-targets -- -D warnings
step "clippy (dashboard, wasm32)" cargo clippy -p tickscope --target wasm32-unknown-unknown --all-targets -- -D warnings
step "clippy (wasm benchmarks, wasm32)" cargo clippy -p tickscope-bench --target wasm32-unknown-unknown --lib -- -D warnings
step "cargo test" cargo test --workspace --exclude tickscope
step "dashboard browser tests (wasm-bindgen-test, headless Chromium)" \
    env CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" cargo test -p tickscope --target wasm32-unknown-unknown
# One release build of the dashboard serves every end-to-end test.
step "dashboard (trunk build --release)" ./scripts/build-dashboard.sh
# The debug server binary: with --tests, cargo resolves features as `cargo test` did, so this reuses its build
# (a plain `cargo build` would recompile the crates whose features dev-dependencies change).
step "server binary for the end-to-end tests" cargo build -p tickscope-server --bins --tests
step "end-to-end tests" node tests/e2e/run.mjs

printf '\nall tests passed in %ds\n' $((SECONDS - started))
