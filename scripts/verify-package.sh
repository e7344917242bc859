#!/usr/bin/env bash
# Proves the published package works outside this repository: npm pack, install the tarball into a fresh
# TypeScript project, type-check a consumer under strict, and run it against an embedded nats-server. Then the
# generator: without its optional peers the `mlx-codegen` bin says what to install; with them (at the versions this
# repository pins) it generates code from a contract of the project's own (tests/package/contract/asyncapi.yaml),
# which is type-checked under strict and run (request/reply and a wildcard subscription on an embedded server). The
# `mlx-node` bin validates the shipped configuration.
# Also runs publint and arethetypeswrong on the package. Used by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
step() { printf -- '-- %s (at %ss)\n' "$*" "$((SECONDS - started))"; }
fail() { echo "verify-package: $*" >&2; exit 1; }

cd "$root"
step "publint"
npx --no-install publint

step "npm pack (builds once, through prepack)"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball"
step "arethetypeswrong on the tarball (ESM-only package)"
npx --no-install attw "$work/$tarball" --profile esm-only
tar -tzf "$work/$tarball" > "$work/contents.txt"
grep -qx 'package/dist/codegen/bin.js' "$work/contents.txt" || fail "the tarball lacks dist/codegen/bin.js (the mlx-codegen bin)"
grep -qx 'package/dist/codegen/output/format-worker.js' "$work/contents.txt" || fail "the tarball lacks the compiled format worker"
grep -qx 'package/dist/src/cluster/service/bin.js' "$work/contents.txt" || fail "the tarball lacks dist/src/cluster/service/bin.js (the mlx-node bin)"

step "install into a fresh project"
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
    "types": ["node"], "rootDir": ".", "outDir": "out"
  },
  "files": ["consumer.ts"]
}
JSON
pinned() { node -p "const p = require('$root/package.json'); p.dependencies['$1'] ?? p.devDependencies['$1']"; }
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tarball" "@types/node@$(pinned @types/node)" "typescript@$(pinned typescript)"
cp "$root/tests/package/consumer.ts" consumer.ts
cp "$root/config/cluster.yaml" cluster.yaml

step "the generator's peers are optional: not installed with the package"
for peer in @asyncapi/parser prettier tsx; do
  [ ! -e "node_modules/$peer" ] || fail "node_modules/$peer was installed with the package; the runtime must not need it"
done

step "the package's public types reach no nats.js type, and the consumer imports none"
! grep -qE "from '(nats|@nats-io/[^']+)'" consumer.ts || fail "the consumer imports nats.js"
node --input-type=module - <<'NODE' || fail "a public declaration file reaches a nats.js type"
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
const base = 'node_modules/@mlx-serving/distributed/dist/src';
const queue = [`${base}/index.d.ts`, `${base}/contract/index.d.ts`];
const seen = new Set();
for (const file of queue) {
  if (seen.has(file)) continue;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)) {
    if (spec === 'nats' || spec.startsWith('@nats-io/')) { console.error(`${file} imports ${spec}`); process.exit(1); }
    if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.d.ts')));
  }
}
console.log(`${seen.size} public declaration files, none imports nats.js`);
NODE

step "type-check the consumer (strict, library types checked too)"
npx --no-install tsc -p tsconfig.json

step "run the consumer (runtime only, no generator peers installed)"
node out/consumer.js cluster.yaml

step "the mlx-node bin validates the shipped configuration"
npx --no-install mlx-node --config cluster.yaml --check > "$work/check.txt" || fail "mlx-node --check refused the shipped config/cluster.yaml"
grep -q 'cluster.yaml: valid' "$work/check.txt" || fail "mlx-node --check did not say the file is valid"

step "mlx-codegen without its peers names them and the install command"
set +e
missing="$(npx --no-install mlx-codegen --input contract/asyncapi.yaml --output src/generated 2>&1)"
status=$?
set -e
echo "$missing"
[ "$status" -eq 2 ] || fail "mlx-codegen without its peers exited $status, expected 2"
install="npm install --save-dev @asyncapi/parser@$(node -p "require('$root/package.json').peerDependencies['@asyncapi/parser']") prettier@$(node -p "require('$root/package.json').peerDependencies.prettier")"
grep -qF -- "$install" <<<"$missing" || fail "the message does not give the install command: $install"
[ ! -e src/generated ] || fail "mlx-codegen wrote output without its peers"

step "install the generator's peers (the versions this repository pins) and zod, which generated code imports"
npm install --no-audit --no-fund --prefer-offline --loglevel=error --save-dev \
  "@asyncapi/parser@$(pinned @asyncapi/parser)" "prettier@$(pinned prettier)" "zod@$(pinned zod)"

step "generate from the project's own contract with npx mlx-codegen"
mkdir -p contract src
cp "$root/tests/package/contract/asyncapi.yaml" contract/asyncapi.yaml
cp "$root/tests/package/generated-consumer.ts" src/generated-consumer.ts
npx --no-install mlx-codegen --input contract/asyncapi.yaml --output src/generated
grep -q "from '@mlx-serving/distributed/contract';" src/generated/channels.ts || fail "generated code does not import the runtime through @mlx-serving/distributed/contract"
npx --no-install mlx-codegen --input contract/asyncapi.yaml --output src/generated --check

step "type-check the generated code and its consumer (strict)"
cat > tsconfig.generated.json <<'JSON'
{ "extends": "./tsconfig.json", "files": ["src/generated-consumer.ts"] }
JSON
npx --no-install tsc -p tsconfig.generated.json

step "run the generated-code consumer"
node out/src/generated-consumer.js
step "done"
