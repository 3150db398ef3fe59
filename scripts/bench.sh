#!/usr/bin/env bash
# The benchmark command: Azurite on free ports with a throwaway data folder, then the benchmark program in Release.
# Arguments go to the program, the first one naming the benchmark: scripts/bench.sh tables [--rounds 2 ...].
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$repo_root"

# Azurite's debug log costs it several times its throughput; benchmarks measure Azurite without it.
export AZURITE_DEBUG_LOG="${AZURITE_DEBUG_LOG:-0}"
# The usage benchmark holds millions of entities; on disk, Azurite re-serializes its whole table store every 5 s.
if [ "${1:-}" = "usage" ]; then export AZURITE_IN_MEMORY="${AZURITE_IN_MEMORY:-1}"; fi
azurite_install
data="$(mktemp -d "${TMPDIR:-/tmp}/marketplace-bench.XXXXXX")"
read -r blob queue table < <(free_ports)
trap 'azurite_stop; rm -rf "$data"' EXIT
azurite_start "$data" "$blob" "$queue" "$table"
export Storage__ConnectionString="$(connection_string "$blob" "$queue" "$table")"
echo "Azurite $("$azurite_bin" --version 2>/dev/null || echo '?') (pid $AZURITE_PID, debug log $([ "$AZURITE_DEBUG_LOG" = 0 ] && echo off || echo on), $([ "${AZURITE_IN_MEMORY:-0}" = 1 ] && echo in memory || echo on disk)) on 127.0.0.1 ports blob=$blob queue=$queue table=$table"

dotnet run -c Release --project bench/Marketplace.Benchmarks -- "$@"
