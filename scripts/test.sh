#!/usr/bin/env bash
# The test command: Azurite on free ports with a throwaway data folder, then every test of Marketplace.Local.slnf.
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

log="$data/dotnet-test.log"
status=0
dotnet test Marketplace.Local.slnf --nologo "$@" 2>&1 | tee "$log" || status=$?

# One closing line for the whole run, summed over the test projects.
awk '/(Passed|Failed)! +- +Failed:/ {
       for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
