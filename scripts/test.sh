#!/usr/bin/env bash
# The test command: Azurite on free ports with a throwaway data folder, then every test of Marketplace.Local.slnf,
# then the web console's tests (scripts/console-test.sh). It fails when either part fails.
# Extra arguments go to `dotnet test` (e.g. scripts/test.sh --filter FullyQualifiedName~Storage).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$repo_root"

azurite_install
data="$(mktemp -d "${TMPDIR:-/tmp}/marketplace-azurite.XXXXXX")"
read -r blob queue table < <(free_ports)
trap 'azurite_stop; rm -rf "$data"' EXIT
azurite_start "$data" "$blob" "$queue" "$table"
export Storage__ConnectionString="$(connection_string "$blob" "$queue" "$table")"
echo "Azurite (pid $AZURITE_PID) on 127.0.0.1 ports blob=$blob queue=$queue table=$table"

status=0
dotnet test Marketplace.Local.slnf --nologo "$@" 2>&1 | tee "$data/dotnet-test.log" || status=$?
# The web console: unit tests, and browser tests when chromium is installed (docs/console.md).
scripts/console-test.sh 2>&1 | tee "$data/console-test.log" || status=$?

# One closing line for the whole run: the .NET test projects and the console's node tests together.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     /^# pass [0-9]+$/ { p += $3 } /^# fail [0-9]+$/ { f += $3 } /^# skipped [0-9]+$/ { s += $3 }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$data/dotnet-test.log" "$data/console-test.log"
exit "$status"
