#!/usr/bin/env bash
# Rebuild site_gen/static/vendor/age/age.js from npm (versions pinned by package-lock.json),
# and its licences. Then update the SHA-256 in site_gen/static/vendor/age/README.txt
# (tests/test_vendor.py checks it).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../../site_gen/static/vendor/age
npx esbuild entry.js --bundle --minify --format=iife --target=es2020 --legal-comments=none \
  --outfile="$out/age.js"
for p in age-encryption @noble/ciphers @noble/curves @noble/hashes @scure/base; do
  echo "==== $p $(node -p "require('./node_modules/$p/package.json').version") ($(node -p "require('./node_modules/$p/package.json').license")) ===="
  cat "node_modules/$p/LICENSE"
  echo
done > "$out/LICENSE"
sha256sum "$out/age.js"
