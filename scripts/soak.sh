#!/usr/bin/env bash
# The fault-injection soak: Azurite on free ports (in memory), the server's and the tool's Release builds, then the soak
# (docs/soak.md). Arguments go to the tool: scripts/soak.sh [--minutes 10] [--clients 6] [--seed S] ...
# It prints one line of figures at the end and exits non-zero when an invariant was broken.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$repo_root"

# Azurite stays up while the server is killed; its data is only needed for the run, and its debug log would slow it.
export AZURITE_DEBUG_LOG="${AZURITE_DEBUG_LOG:-0}"
export AZURITE_IN_MEMORY="${AZURITE_IN_MEMORY:-1}"
azurite_install
data="$(mktemp -d "${TMPDIR:-/tmp}/marketplace-soak.XXXXXX")"
read -r blob queue table < <(free_ports)
trap 'azurite_stop; rm -rf "$data"' EXIT
azurite_start "$data" "$blob" "$queue" "$table"
export Storage__ConnectionString="$(connection_string "$blob" "$queue" "$table")"
echo "Azurite $("$azurite_bin" --version 2>/dev/null || echo '?') (pid $AZURITE_PID) on 127.0.0.1 ports blob=$blob queue=$queue table=$table"

dotnet build -c Release tools/Marketplace.Soak --nologo -v quiet -clp:ErrorsOnly
dotnet tools/Marketplace.Soak/bin/Release/net10.0/Marketplace.Soak.dll "$@"
