#!/usr/bin/env bash
# The run command: Azurite (reused if already listening on 10000-10002) and the standalone server in Development
# on http://127.0.0.1:7071. Ctrl+C or SIGTERM stops both. Settings come from the environment the ASP.NET Core way,
# e.g. Supervision__StallWindow=00:00:05 or ASPNETCORE_URLS=http://127.0.0.1:8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$repo_root"

blob=10000 queue=10001 table=10002
AZURITE_PID=""
server_pid=""
stop_all() {
  trap - INT TERM EXIT
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  azurite_stop
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap stop_all EXIT

if port_open $blob && port_open $queue && port_open $table; then
  echo "Reusing the Azurite already listening on 127.0.0.1:$blob-$table"
else
  azurite_install
  azurite_start "$repo_root/.azurite" $blob $queue $table
  echo "Azurite started (pid $AZURITE_PID), data in .azurite/"
fi

export Storage__ConnectionString="${Storage__ConnectionString:-$(connection_string $blob $queue $table)}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://127.0.0.1:7071}"

dotnet build functions/Marketplace.Server/Marketplace.Server.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
dotnet functions/Marketplace.Server/bin/Release/net10.0/Marketplace.Server.dll &
server_pid=$!
echo "Server starting on $ASPNETCORE_URLS (pid $server_pid); Ctrl+C stops it and Azurite."
wait "$server_pid"
