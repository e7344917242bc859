#!/usr/bin/env bash
# Proves the published package works outside this repository: npm pack, install the tarball into a fresh
# TypeScript project, type-check a consumer under strict, and run it against an embedded nats-server.
# Also runs publint and arethetypeswrong on the package. Used by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cd "$root"
echo "-- publint"
npx --no-install publint
echo "-- arethetypeswrong (ESM-only package)"
npx --no-install attw --pack . --profile esm-only

echo "-- npm pack"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball"

echo "-- install into a fresh project"
mkdir -p "$work/consumer"
cd "$work/consumer"
cat > package.json <<'JSON'
{ "name": "consumer", "private": true, "type": "module" }
JSON
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false,
    "types": ["node"], "outDir": "out"
  },
  "files": ["consumer.ts"]
}
JSON
types_node="$(node -p "require('$root/package.json').devDependencies['@types/node']")"
typescript="$(node -p "require('$root/package.json').devDependencies.typescript")"
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tarball" "@types/node@$types_node" "typescript@$typescript"
cp "$root/tests/package/consumer.ts" consumer.ts
cp "$root/config/cluster.yaml" cluster.yaml

echo "-- type-check the consumer (strict, library types checked too)"
npx --no-install tsc -p tsconfig.json

echo "-- run the consumer"
node out/consumer.js cluster.yaml
