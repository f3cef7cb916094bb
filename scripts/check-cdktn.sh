#!/usr/bin/env bash
# Proves the CDK Terrain exit path (`npm run check:cdktn`; needs the npm registry, ~1-2 minutes,
# so it is not part of npm test): copies the app to a temporary directory, swaps the packages
#   cdktf 0.21.0 -> cdktn 0.24.0, cdktf-cli -> cdktn-cli 0.24.0,
#   @cdktf/provider-aws 21.22.1 -> @cdktn/provider-aws 25.7.0, constructs -> 10.7.2,
# rewrites the imports, type-checks it, synthesizes it with `cdktn synth` on the pinned Node 22,
# and compares every stack with `cdktf synth` of this checkout: the same resources, data sources,
# outputs and providers must come out; every other difference is listed.
# Exit status: 0 same addresses, 1 a difference in addresses or a failed step.
set -euo pipefail
cd "$(dirname "$0")/.."
export CHECKPOINT_DISABLE=1
export PATH="$PWD/node_modules/.bin:$PATH"

CDKTN_VERSION=0.24.0
CDKTN_PROVIDER_AWS_VERSION=25.7.0
CONSTRUCTS_VERSION=10.7.2
# cdktn-cli declares node >=22.19.0, @cdktn/provider-aws >=22.11.0.
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 22 || (a === 22 && b >= 19) ? 0 : 1)' ||
  { echo "check-cdktn: cdktn-cli needs Node >= 22.19, this is $(node --version) (npm ci installs the pinned one)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/check-cdktn.XXXXXX")"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir -p "$app"

echo "check-cdktn: cdktf synth of this checkout" >&2
# The CLI's own chatter (and terraform's) goes to a log, shown only when the step fails.
quietly() { "$@" >"$work/step.log" 2>&1 || { cat "$work/step.log" >&2; return 1; }; }
quietly npx cdktf synth --output "$work/cdktf.out"

echo "check-cdktn: copying the app to $app and swapping the packages" >&2
cp -R main.ts cdktf.json config contract build stacks modules functions "$app/"
find "$app" -name '*.ts' -print0 | xargs -0 sed -i -E \
  -e "s#(from |import\()'cdktf(/[^']*)?'#\1'cdktn\2'#g" \
  -e "s#'@cdktf/provider-aws/lib/#'@cdktn/provider-aws/lib/#g"
if grep -rEn "(from |import\(|require\()'(cdktf|@cdktf/provider-aws)[/']" "$app" --include='*.ts'; then
  echo "check-cdktn: imports of cdktf left after the rewrite (listed above)" >&2
  exit 1
fi
PKG_OUT="$app/package.json" CDKTN_VERSION="$CDKTN_VERSION" CDKTN_PROVIDER_AWS_VERSION="$CDKTN_PROVIDER_AWS_VERSION" \
  CONSTRUCTS_VERSION="$CONSTRUCTS_VERSION" node -e '
  const pkg = require("./package.json");
  const env = process.env;
  const deps = { ...pkg.dependencies };
  delete deps.cdktf;
  delete deps["@cdktf/provider-aws"];
  Object.assign(deps, { cdktn: env.CDKTN_VERSION, "@cdktn/provider-aws": env.CDKTN_PROVIDER_AWS_VERSION, constructs: env.CONSTRUCTS_VERSION });
  // What synth and the type-check need; the test and lint tooling stays behind.
  const dev = Object.fromEntries(["esbuild", "tsx", "typescript", "@types/node", "@types/aws-lambda"].map((n) => [n, pkg.devDependencies[n]]));
  dev["cdktn-cli"] = env.CDKTN_VERSION;
  const out = { name: "cdktn-check", private: true, engines: pkg.engines, dependencies: deps, devDependencies: dev };
  require("node:fs").writeFileSync(env.PKG_OUT, JSON.stringify(out, null, 2));
'
cat >"$app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "commonjs",
    "moduleResolution": "node",
    "lib": ["ES2022"],
    "types": ["node"],
    "strict": true,
    "esModuleInterop": true,
    "resolveJsonModule": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["main.ts", "contract", "config", "stacks", "modules", "build", "functions"]
}
EOF

echo "check-cdktn: npm install (cdktn $CDKTN_VERSION, @cdktn/provider-aws $CDKTN_PROVIDER_AWS_VERSION, constructs $CONSTRUCTS_VERSION)" >&2
(cd "$app" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error >&2)

echo "check-cdktn: type-check and cdktn synth on Node $(node --version)" >&2
(cd "$app" && npx tsc -p . && quietly npx cdktn synth --output "$work/cdktn.out")

echo "check-cdktn: comparing" >&2
# shellcheck disable=SC2016 # the single-quoted program is JavaScript: its ${...} are JS template literals
CDKTF_OUT="$work/cdktf.out" CDKTN_OUT="$work/cdktn.out" node -e '
  const { readFileSync } = require("node:fs");
  const { join } = require("node:path");
  const load = (dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    return Object.fromEntries(
      Object.entries(manifest.stacks).map(([name, s]) => [name, JSON.parse(readFileSync(join(dir, s.synthesizedStackPath), "utf8"))]),
    );
  };
  const cdktf = load(process.env.CDKTF_OUT);
  const cdktn = load(process.env.CDKTN_OUT);
  const addresses = (json) => [
    ...["resource", "data"].flatMap((kind) =>
      Object.entries(json[kind] ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${kind === "data" ? "data." : ""}${type}.${n}`)),
    ),
    ...Object.keys(json.output ?? {}).map((n) => `output.${n}`),
    ...Object.entries(json.provider ?? {}).flatMap(([type, list]) => list.map((p) => `provider.${type}${p.alias ? "." + p.alias : ""}`)),
  ].sort();
  // Every leaf path whose value differs, metadata ("//") left out.
  const diff = (a, b, path = "", out = []) => {
    if (JSON.stringify(a) === JSON.stringify(b)) return out;
    if (a && b && typeof a === "object" && typeof b === "object") {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (k !== "//") diff(a[k], b[k], `${path}.${k}`, out);
    } else out.push(`${path}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
    return out;
  };
  let failed = false;
  const stacks = [...new Set([...Object.keys(cdktf), ...Object.keys(cdktn)])].sort();
  for (const name of stacks) {
    if (!cdktf[name] || !cdktn[name]) {
      console.log(`${name}: only in ${cdktf[name] ? "cdktf" : "cdktn"}`);
      failed = true;
      continue;
    }
    const [a, b] = [addresses(cdktf[name]), addresses(cdktn[name])];
    const onlyA = a.filter((x) => !b.includes(x));
    const onlyB = b.filter((x) => !a.includes(x));
    const other = diff(cdktf[name], cdktn[name]);
    console.log(`${name}: ${a.length} addresses, ${onlyA.length + onlyB.length} different; other differences: ${other.length ? "" : "none"}`);
    for (const x of onlyA) console.log(`  only cdktf: ${x}`);
    for (const x of onlyB) console.log(`  only cdktn: ${x}`);
    for (const x of other.slice(0, 20)) console.log(`  ${x}`);
    if (other.length > 20) console.log(`  ... ${other.length - 20} more`);
    failed ||= onlyA.length + onlyB.length > 0;
  }
  console.log(failed ? "check-cdktn: FAIL" : `check-cdktn: PASS (${stacks.length} stacks, same addresses)`);
  process.exit(failed ? 1 : 0);
'
