#!/usr/bin/env bash
# Builds everything the package ships into dist/:
#   dist/torch.wasm          the crate for wasm32 with SIMD128 (wasm-opt'd)
#   dist/torch-relaxed.wasm  the same with relaxed SIMD (picked at load time where it validates)
#   dist/index.js            ESM bundle that loads the wasm itself (top-level await)
#   dist/manual.js           ESM bundle that waits for init(module | bytes | url)
#   dist/types/              .d.ts files
# Installs what is missing first (scripts/deps.sh). A rebuild with nothing
# changed does no work beyond a few timestamp checks.
set -euo pipefail
cd "$(dirname "$0")"

# Debian toolchain, Chromium and npm packages: the one install path (scripts/deps.sh).
scripts/deps.sh

mkdir -p dist
# The rustup toolchain may come first on PATH and has no wasm32 std: always use Debian's.
export RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TERM_QUIET=true
# A panic is a bare `unreachable` trap: no panic machinery or formatting in the wasm
# (the build never printed panic messages anyway). Same flags in dev and release,
# so both reuse one std build per target dir.
PANIC="-Zunstable-options -Cpanic=immediate-abort"

build_wasm() { # <variant> <target features> <output>
  local variant=$1 features=$2 out=$3
  local raw=target/wasm-$variant/wasm32-unknown-unknown/release/torchwasm.wasm
  echo "build.sh: cargo build ($variant: $features; the first build also compiles std, a few minutes)"
  RUSTFLAGS="-C target-feature=$features $PANIC" /usr/bin/cargo build --release --offline \
    --target wasm32-unknown-unknown -Z build-std=std,panic_abort \
    --target-dir "target/wasm-$variant" -p torchwasm
  # The stamp says $out is wasm-opt's output of this $raw (a dev build overwrites $out).
  local stamp=target/.build-stamp-$variant
  if [ ! -f "$out" ] || [ ! -f "$stamp" ] || [ "$raw" -nt "$stamp" ]; then
    echo "build.sh: wasm-opt -> $out"
    npx --no-install wasm-opt -O3 --enable-simd --enable-relaxed-simd --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals \
      --strip-debug --strip-producers "$raw" -o "$out"
    touch "$stamp"
  fi
}
if [ "${BUILD_MODE:-release}" = dev ]; then
  # Development: one strict build, no wasm-opt (saves a minute per change).
  RUSTFLAGS="-C target-feature=+simd128 $PANIC" /usr/bin/cargo build --release --offline \
    --target wasm32-unknown-unknown -Z build-std=std,panic_abort --target-dir target/wasm-simd -p torchwasm
  rm -f target/.build-stamp-*
  cp target/wasm-simd/wasm32-unknown-unknown/release/torchwasm.wasm dist/torch.wasm
  cp dist/torch.wasm dist/torch-relaxed.wasm
else
  build_wasm simd "+simd128" dist/torch.wasm
  build_wasm relaxed "+simd128,+relaxed-simd" dist/torch-relaxed.wasm
fi

# Bundle only when a source is newer than the bundle. --keep-names: a Module prints its
# class name (PyTorch's repr), which bundling would otherwise rename on collisions.
if [ ! -f dist/index.js ] || [ -n "$(find ts -newer dist/index.js -name '*.ts' | head -1)" ]; then
  npx --no-install esbuild ts/index.ts ts/manual.ts --bundle --format=esm --platform=neutral \
    --target=es2022 --keep-names --external:node:* --outdir=dist --log-level=warning
  npx --no-install tsc -p tsconfig.json --emitDeclarationOnly --declaration --outDir dist/types
fi
# Download size of each variant (the target is <= 300 KB gzipped; README "Size").
node -e 'const fs = require("fs"), zlib = require("zlib");
for (const f of process.argv.slice(1)) { const b = fs.readFileSync(f);
  console.log(`build.sh: ${f} ${(b.length / 1024).toFixed(0)} KB, ${(zlib.gzipSync(b, { level: 9 }).length / 1024).toFixed(0)} KB gzipped`); }' \
  dist/torch.wasm dist/torch-relaxed.wasm
echo "build.sh: dist/ is up to date"
