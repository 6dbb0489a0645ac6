#!/usr/bin/env bash
# Builds everything the package ships into dist/:
#   dist/torch.wasm          the crate for wasm32 with SIMD128 (wasm-opt'd)
#   dist/torch-relaxed.wasm  the same with relaxed SIMD (picked at load time where it validates)
#   dist/torch-threads.wasm  SIMD128 + atomics on imported shared memory: the worker pool's
#                            build (release only; picked where SharedArrayBuffer and workers run)
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

# The threads build: std rebuilt with atomics, memory imported and shared by every
# instance (4 GiB maximum, as the other builds may grow to), and what each worker
# instance needs to get its own stack and thread-locals: the stack pointer global and
# the TLS initialiser with the block's size and alignment (ts/wasm/threads.ts).
THREADS_FEATURES="+simd128,+atomics,+bulk-memory,+mutable-globals"
THREADS_LINK="-C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=4294967296"
for sym in __wasm_init_tls __tls_size __tls_align __tls_base __stack_pointer; do
  THREADS_LINK="$THREADS_LINK -C link-arg=--export=$sym"
done

build_wasm() { # <variant> <target features> <output> [extra rustflags]
  local variant=$1 features=$2 out=$3 extra=${4:-}
  local raw=target/wasm-$variant/wasm32-unknown-unknown/release/torchwasm.wasm
  echo "build.sh: cargo build ($variant: $features; the first build also compiles std, a few minutes)"
  RUSTFLAGS="-C target-feature=$features $PANIC${extra:+ $extra}" /usr/bin/cargo build --release --offline \
    --target wasm32-unknown-unknown -Z build-std=std,panic_abort \
    --target-dir "target/wasm-$variant" -p torchwasm
  # The stamp says $out is wasm-opt's output of this $raw (a dev build overwrites $out).
  local stamp=target/.build-stamp-$variant
  if [ ! -f "$out" ] || [ ! -f "$stamp" ] || [ "$raw" -nt "$stamp" ]; then
    echo "build.sh: wasm-opt -> $out"
    npx --no-install wasm-opt -O3 --enable-simd --enable-relaxed-simd --enable-bulk-memory \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals ${extra:+--enable-threads} \
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
elif [ "${BUILD_MODE:-release}" = threads ]; then
  # Iterating on the pool: the threads build alone (release).
  build_wasm threads "$THREADS_FEATURES" dist/torch-threads.wasm "$THREADS_LINK"
else
  build_wasm simd "+simd128" dist/torch.wasm
  build_wasm relaxed "+simd128,+relaxed-simd" dist/torch-relaxed.wasm
  build_wasm threads "$THREADS_FEATURES" dist/torch-threads.wasm "$THREADS_LINK"
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
  dist/torch.wasm dist/torch-relaxed.wasm $(ls dist/torch-threads.wasm 2>/dev/null)
echo "build.sh: dist/ is up to date"
