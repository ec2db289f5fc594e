#!/usr/bin/env bash
# Rebuild site_gen/static/vendor/yaml/yaml.js from npm (versions pinned by package-lock.json),
# and its licence. Then update the SHA-256 in site_gen/static/vendor/yaml/README.txt
# (tests/test_vendor.py checks it).
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
out=../../site_gen/static/vendor/yaml
npx esbuild entry.js --bundle --minify --format=iife --target=es2020 --legal-comments=none \
  --outfile="$out/yaml.js"
{
  echo "==== yaml $(node -p "require('./node_modules/yaml/package.json').version") ($(node -p "require('./node_modules/yaml/package.json').license")) ===="
  cat node_modules/yaml/LICENSE
} > "$out/LICENSE"
sha256sum "$out/yaml.js"
