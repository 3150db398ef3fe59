#!/usr/bin/env bash
# The web console's tests, run by scripts/test.sh after `dotnet test` (it exports Storage__ConnectionString and has
# built the server): unit tests of the console's modules under Node, then the browser tests (playwright-core driving
# Debian's chromium headless, each file starting its own server) when chromium is installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$repo_root"

azurite_install # npm ci: also brings playwright-core
tests=(tests/console/unit.test.mjs)
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  tests+=(tests/console/browser/*.test.mjs)
else
  echo "console browser tests skipped: chromium is not installed (apt-get install chromium)"
fi
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON --test --test-concurrency=1 --test-timeout=300000 "${tests[@]}"
