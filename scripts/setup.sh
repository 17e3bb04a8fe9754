#!/usr/bin/env bash
# Installs what building and testing Tickscope needs, and only what is missing or at the wrong version:
#   - apt: chromium, chromium-driver (end-to-end and browser tests), python3-venv (for cfn-lint), openssl (test
#     certificates for HTTPS)
#   - rustup target wasm32-unknown-unknown (the dashboard)
#   - trunk 0.21.14 and wasm-bindgen-cli at Cargo.lock's wasm-bindgen version (cargo install, minutes when cold)
#   - node_modules from package-lock.json (npm ci): wasm-opt (binaryen), ECharts, playwright-core, dynalite
#   - cfn-lint (checks deploy/template.yaml), into .venv with pip unless that version is on PATH
# Needs cargo/rustup, node >= 20 with npm, and python3 with venv. Safe to run again: a no-op takes about a second.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

TRUNK_VERSION=0.21.14
# python3-venv: cfn-lint goes into .venv (Debian's python3 has no venv module without it).
APT_PACKAGES=(chromium chromium-driver python3-venv openssl)

say() { printf 'setup: %s\n' "$*"; }
die() {
    printf 'setup: error: %s\n' "$*" >&2
    exit 1
}

for tool in cargo rustup node npm python3; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed (see README.md, Requirements)"
done
node_major=$(node -p 'process.versions.node.split(".")[0]')
((node_major >= 20)) || die "node >= 20 is needed, found $(node --version)"

# apt packages
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    [[ $status == installed ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
    sudo=()
    if [[ $(id -u) != 0 ]]; then sudo=(sudo); fi
    say "installing apt packages: ${missing[*]}"
    "${sudo[@]}" apt-get update
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
else
    say "ok: apt ${APT_PACKAGES[*]}"
fi

# wasm target
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "ok: rustup target wasm32-unknown-unknown"
else
    say "adding rustup target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

# trunk (0.22 needs a newer rustc; --locked: its own lockfile builds here)
version_of() { "$1" --version 2>/dev/null | awk '{print $2}' || true; }
have=$(version_of trunk)
if [[ $have == "$TRUNK_VERSION" ]]; then
    say "ok: trunk $have"
else
    say "installing trunk $TRUNK_VERSION (found: ${have:-none}); about 13 minutes when cold"
    cargo install trunk --version "$TRUNK_VERSION" --locked
    [[ $(version_of trunk) == "$TRUNK_VERSION" ]] || die "trunk on PATH is $(command -v trunk), not $TRUNK_VERSION"
fi

# wasm-bindgen-cli: exactly the wasm-bindgen of Cargo.lock. No --locked: its lockfile names a crate newer than
# the registry has.
[[ -f Cargo.lock ]] || cargo generate-lockfile
wb_version=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[[ -n $wb_version ]] || die "no wasm-bindgen entry in Cargo.lock"
have=$(version_of wasm-bindgen)
if [[ $have == "$wb_version" ]]; then
    say "ok: wasm-bindgen $have"
else
    say "installing wasm-bindgen-cli $wb_version (found: ${have:-none}); about 6 minutes when cold"
    cargo install wasm-bindgen-cli --version "$wb_version"
    [[ $(version_of wasm-bindgen) == "$wb_version" ]] ||
        die "wasm-bindgen on PATH is $(command -v wasm-bindgen), not $wb_version"
fi

# node_modules: npm ci when missing or older than package-lock.json (npm writes node_modules/.package-lock.json).
if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
    say "ok: node_modules"
else
    say "installing node_modules (npm ci)"
    npm ci --no-audit --no-fund
fi

# cfn-lint
CFN_LINT_VERSION=1.51.0
if [[ $(version_of cfn-lint) == "$CFN_LINT_VERSION" || $(version_of .venv/bin/cfn-lint) == "$CFN_LINT_VERSION" ]]; then
    say "ok: cfn-lint $CFN_LINT_VERSION"
else
    say "installing cfn-lint $CFN_LINT_VERSION into .venv (pip)"
    python3 -m venv .venv || die "python3 cannot create a venv: install python3-venv (apt)"
    .venv/bin/pip install --quiet "cfn-lint==$CFN_LINT_VERSION"
fi
