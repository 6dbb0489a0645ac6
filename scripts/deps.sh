#!/usr/bin/env bash
# The project's one install path: every Debian and npm package that the build, the
# demo and the tests run, checked by running each tool (not by file presence alone).
#
#   scripts/deps.sh            install what is missing (apt-get as root, then npm)
#   scripts/deps.sh --verify   install nothing; fail unless every tool runs and each
#                              Debian-provided path belongs to the package listed below
#
# build.sh calls it (so `npm run demo` and `npm test` set a fresh machine up), and
# .ci/run calls `--verify` before the tests. Safe to run again: a complete machine
# costs a few `--version` calls.
set -euo pipefail
cd "$(dirname "$0")/.."

# What the build and the tests run | how to check that it works | Debian package.
# rust-lld (the wasm linker rustc calls) is rust-web-llvm's symlink to lld-22: a
# Recommends of rustc-web that --no-install-recommends leaves out, pointing into a
# package it does not depend on, so both are listed.
TOOLS=(
  "rustc|/usr/bin/rustc --version|rustc-web"
  "cargo|/usr/bin/cargo --version|cargo-web"
  "rust-lld|/usr/bin/rust-lld -flavor wasm --version|rust-web-llvm lld-22"
  "std sources|test -f /usr/lib/rustlib/src/rust/library/std/Cargo.toml -a -d /usr/lib/rustlib/src/rust/library/vendor|rust-web-src"
  "chromium|/usr/bin/chromium --headless --no-sandbox --version|chromium"
  "python3 torch|/usr/bin/python3 -c \"import torch\"|python3-torch"
)
# Path | the Debian package --verify expects to own it (dpkg -S).
OWNED=(
  "/usr/bin/rustc|rustc-web"
  "/usr/bin/cargo|cargo-web"
  "/usr/bin/rust-lld|rust-web-llvm"
  "/usr/bin/lld-22|lld-22"
  "/usr/lib/rustlib/src/rust/library/std/Cargo.toml|rust-web-src"
  "/usr/bin/chromium|chromium"
  "/usr/lib/python3/dist-packages/torch/__init__.py|python3-torch"
)
# npm tools the build and tests run, from package.json's devDependencies.
NPM_TOOLS=(
  "wasm-opt|node_modules/.bin/wasm-opt --version"
  "esbuild|node_modules/.bin/esbuild --version"
  "tsc|node_modules/.bin/tsc --version"
  "vitest|node_modules/.bin/vitest --version"
  "deno|node_modules/.bin/deno --version"
  "bun|node_modules/.bin/bun --version"
  "workerd|node_modules/.bin/workerd --version"
  'playwright-core|node -e "require(\"playwright-core\").chromium.name()"'
)

say() { echo "deps: $*"; }
works() { bash -c "$1" >/dev/null 2>&1; }

verify=0
[ "${1:-}" = --verify ] && verify=1

# --- Node ---------------------------------------------------------------------------
command -v node >/dev/null || { echo "deps: node (>= 20) is not installed: apt-get install nodejs npm" >&2; exit 1; }
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "deps: node $(node --version) is too old; torchwasm needs node >= 20" >&2
  exit 1
fi

# --- Debian packages ------------------------------------------------------------------
missing_tools=() missing_pkgs=()
for t in "${TOOLS[@]}"; do
  IFS='|' read -r name check pkgs <<<"$t"
  if ! works "$check"; then
    missing_tools+=("$name")
    for pkg in $pkgs; do [[ " ${missing_pkgs[*]} " == *" $pkg "* ]] || missing_pkgs+=("$pkg"); done
  fi
done
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  line="apt-get install -y --no-install-recommends ${missing_pkgs[*]}"
  if [ $verify = 1 ]; then
    echo "deps: --verify: not working: ${missing_tools[*]} (packages ${missing_pkgs[*]}; run scripts/deps.sh)" >&2
    exit 1
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "deps: missing ${missing_tools[*]}; as root, run:" >&2
    echo "  $line" >&2
    echo "  (or: sudo apt-get update && sudo $line), then run this command again" >&2
    exit 1
  fi
  say "installing ${missing_pkgs[*]} (for ${missing_tools[*]}) with apt-get"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive $line -q
  for t in "${TOOLS[@]}"; do
    IFS='|' read -r name check pkgs <<<"$t"
    works "$check" || { echo "deps: $name still does not run after installing $pkgs ($check)" >&2; exit 1; }
  done
fi

if [ $verify = 1 ]; then
  for o in "${OWNED[@]}"; do
    IFS='|' read -r path pkg <<<"$o"
    # dpkg knows a path by the name its package installed: a link's own name, or
    # (for a file reached through a linked folder) the resolved name.
    owner=$( (dpkg -S "$path" || dpkg -S "$(readlink -f "$path")") 2>/dev/null | head -1 | cut -d: -f1) || true
    if [ "$owner" != "$pkg" ]; then
      echo "deps: --verify: $path belongs to '${owner:-no package}', expected Debian package $pkg" >&2
      exit 1
    fi
  done
fi

# --- npm packages ---------------------------------------------------------------------
npm_missing=()
for t in "${NPM_TOOLS[@]}"; do
  IFS='|' read -r name check <<<"$t"
  works "$check" || npm_missing+=("$name")
done
if [ ${#npm_missing[@]} -gt 0 ]; then
  if [ $verify = 1 ]; then
    echo "deps: --verify: npm tools not working: ${npm_missing[*]} (run npm install)" >&2
    exit 1
  fi
  say "npm install (for ${npm_missing[*]})"
  npm install --no-audit --no-fund
  for t in "${NPM_TOOLS[@]}"; do
    IFS='|' read -r name check <<<"$t"
    works "$check" || { echo "deps: $name still does not run after npm install ($check)" >&2; exit 1; }
  done
fi

if [ $verify = 1 ]; then
  say "verified: $(/usr/bin/rustc --version), $(/usr/bin/rust-lld -flavor wasm --version | head -1), $(/usr/bin/chromium --headless --no-sandbox --version 2>/dev/null | head -1), wasm-opt $(node_modules/.bin/wasm-opt --version | head -1), node $(node --version)"
fi
