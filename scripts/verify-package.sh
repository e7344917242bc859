#!/usr/bin/env bash
# Proves the published package works outside this repository: npm pack, install the tarball into a fresh
# TypeScript project, type-check a consumer under strict, and run it against an embedded nats-server. Then the
# generator: without its optional peers the `mlx-codegen` bin says what to install; with them (at the versions this
# repository pins) it generates code from a contract of the project's own (tests/package/contract/asyncapi.yaml),
# which is type-checked under strict and run (request/reply and a wildcard subscription on an embedded server). The
# `mlx-node` bin validates the shipped configuration. Last, another team's project from a plain `npm init`
# (CommonJS) follows docs/codegen.md's steps with a contract of its own (tests/package/team/): the bin's warning about
# the CommonJS project, generated code that type-checks under strict with --strict, a docs site with a tagged version
# and a changelog, the gate's report and JSON, and the packed README's links.
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

# Another team's project, set up as docs/codegen.md ("Running the generator in another project") says, from a plain
# `npm init` (a CommonJS package.json) with a contract of its own (tests/package/team/asyncapi.yaml).
step "another team: npm init (CommonJS), the tarball, the generator's peers and the docs renderer"
mkdir -p "$work/team/src"
cd "$work/team"
npm init -y > /dev/null
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$work/$tarball" "zod@$(pinned zod)"
npm install --no-audit --no-fund --prefer-offline --loglevel=error --save-dev "typescript@$(pinned typescript)" "@types/node@$(pinned @types/node)" \
  "@asyncapi/parser@$(pinned @asyncapi/parser)" "prettier@$(pinned prettier)" "@asyncapi/react-component@$(pinned @asyncapi/react-component)"
cp "$root/tests/package/team/asyncapi.yaml" asyncapi.yaml
cp "$root/tests/package/team/shop.ts" src/shop.ts

step "in the CommonJS project the bin says so plainly, with what to change"
npx --no-install mlx-codegen --input asyncapi.yaml --output src/generated 2> "$work/cjs.txt" || fail "mlx-codegen failed in a CommonJS project: $(cat "$work/cjs.txt")"
cat "$work/cjs.txt"
grep -q 'so this is a CommonJS project' "$work/cjs.txt" || fail "no warning about the CommonJS project"
grep -q 'npm pkg set type=module' "$work/cjs.txt" || fail "the warning does not say how to fix it"
grep -q 'node_modules/@mlx-serving/distributed/docs/codegen.md' "$work/cjs.txt" || fail "the warning does not point to the shipped docs"
test -f node_modules/@mlx-serving/distributed/docs/codegen.md || fail "the docs the warning points to are not in the package"

step "the documented tsconfig; while the project is CommonJS, the compiled code fails at run time as the warning says"
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
    "strict": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false,
    "types": ["node"], "outDir": "dist"
  },
  "include": ["src"]
}
JSON
npx --no-install tsc -p tsconfig.json
set +e
node -e "require('./dist/shop.js')" > "$work/cjs-run.txt" 2>&1
status=$?
set -e
[ "$status" -ne 0 ] && grep -q 'ERR_PACKAGE_PATH_NOT_EXPORTED' "$work/cjs-run.txt" || fail "the CommonJS build did not fail as the warning says: $(cat "$work/cjs-run.txt")"

step "type module: generate under --strict (no warning), type-check strictly, and load the team's code"
npm pkg set type=module
rm -rf dist
npx --no-install mlx-codegen --input asyncapi.yaml --output src/generated --strict
head -n 1 src/generated/channels.ts | grep -q '^// Generated by `mlx-codegen` from asyncapi.yaml' || fail "the generated header does not name mlx-codegen: $(head -n 1 src/generated/channels.ts)"
npx --no-install mlx-codegen --input asyncapi.yaml --output src/generated --check --strict
npx --no-install tsc -p tsconfig.json
node --input-type=module -e "const shop = await import('./dist/shop.js'); if (typeof shop.placeOrder !== 'function') process.exit(1)" || fail "the team's compiled code does not load"

step "the docs site, with its versions: contract-v1.0.0 tagged, the working tree at 1.1.0"
git init -q && git add asyncapi.yaml && git -c user.name=verify -c user.email=verify@example.com commit -q -m 'contract 1.0.0' && git tag contract-v1.0.0
sed -i 's/^  version: 1.0.0$/  version: 1.1.0/; s/^          quantity: { type: integer, minimum: 1 }$/          quantity: { type: integer, minimum: 1 }\n          giftWrap: { type: boolean }/' asyncapi.yaml
grep -q 'giftWrap' asyncapi.yaml || fail "could not edit the team's contract"
npx --no-install mlx-codegen docs --input asyncapi.yaml > "$work/docs.txt"
cat "$work/docs.txt" | grep -v '^wrote '
grep -q 'docs: 2 version(s) (1.0.0, 1.1.0 (working tree)), 1 changelog(s) in docs/site' "$work/docs.txt" || fail "the docs site does not hold both versions"
for file in docs/site/index.html docs/site/versions/1.0.0/index.html docs/site/versions/working-tree/changelog.html docs/site/assets/asyncapi-standalone.js docs/asyncapi.md; do
  test -s "$file" || fail "the docs build did not write $file"
done
grep -q 'data-kind="optional-field-added"' docs/site/versions/working-tree/changelog.html || fail "the changelog does not list the new optional field"

step "the gate: an optional field passes; a required one fails and names the shipped guide"
npx --no-install mlx-codegen --input asyncapi.yaml --against contract-v1.0.0 | tee "$work/gate.txt"
grep -q '^upgrade order: any order' "$work/gate.txt" || fail "the gate report does not end with the upgrade order"
sed -i 's/^        required: \[orderId, sku, quantity\]$/        required: [orderId, sku, quantity, giftWrap]/' asyncapi.yaml
set +e
npx --no-install mlx-codegen --input asyncapi.yaml --against contract-v1.0.0 > "$work/gate.txt" 2>&1
status=$?
set -e
cat "$work/gate.txt"
[ "$status" -eq 1 ] || fail "the gate passed a new required field under BACKWARD (exit $status)"
grep -q 'see node_modules/@mlx-serving/distributed/docs/contract-evolution.md' "$work/gate.txt" || fail "the gate's message does not point to the shipped guide"
npx --no-install mlx-codegen --input asyncapi.yaml --against contract-v1.0.0 --json > "$work/gate.json" || true
node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); if (r.upgradeOrder !== "writers-first" || r.status !== 1) process.exit(1)' "$work/gate.json" || fail "--json does not say writers first: $(cat "$work/gate.json")"

step "the README in the package links only to files the package holds"
node --input-type=module - <<'NODE' || fail "the packed README links to a file the package does not hold"
import { existsSync, readFileSync } from 'node:fs';
const dir = 'node_modules/@mlx-serving/distributed';
const links = [...readFileSync(`${dir}/README.md`, 'utf8').matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((l) => !/^[a-z]+:/.test(l));
const missing = links.filter((l) => !existsSync(`${dir}/${l}`));
if (missing.length > 0) { console.error(`missing: ${missing.join(', ')}`); process.exit(1); }
console.log(`${links.length} relative links in the packed README, every one a file of the package`);
NODE
step "done"
