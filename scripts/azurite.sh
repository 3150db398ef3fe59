# Azurite bootstrap shared by run.sh, test.sh and bench.sh. Source it; do not run it.
# Azurite comes from npm (package.json / package-lock.json pin it, with playwright-core for the console's browser
# tests) and is installed on first use.

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
azurite_bin="$repo_root/node_modules/.bin/azurite"
azurite_key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="

azurite_install() {
  if [ ! -x "$azurite_bin" ] || [ ! -f "$repo_root/node_modules/playwright-core/package.json" ]; then
    echo "Installing Azurite and playwright-core from npm (first use only)..." >&2
    (cd "$repo_root" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
}

# Prints three free TCP ports on 127.0.0.1.
free_ports() {
  node -e '
    const net = require("net");
    const ports = []; let open = 0;
    for (let i = 0; i < 3; i++) {
      const s = net.createServer(); open++;
      s.listen(0, "127.0.0.1", () => { ports.push(s.address().port); s.close(() => { if (--open === 0) console.log(ports.join(" ")); }); });
    }'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

connection_string() { # blob queue table ports
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$azurite_key;BlobEndpoint=http://127.0.0.1:$1/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$2/devstoreaccount1;TableEndpoint=http://127.0.0.1:$3/devstoreaccount1;"
}

# azurite_start DATA_DIR BLOB QUEUE TABLE: starts Azurite in the background, sets AZURITE_PID, waits until ready.
# AZURITE_DEBUG_LOG=0 leaves out Azurite's per-request debug log (it slows Azurite several times; benchmarks use it).
# AZURITE_IN_MEMORY=1 keeps Azurite's data in memory only: on disk, Azurite re-serializes its whole table store every
# 5 s, which dominates everything once it holds millions of entities (the usage benchmark).
azurite_start() {
  local data="$1" blob="$2" queue="$3" table="$4"
  local debug=(--debug "$data/debug.log")
  if [ "${AZURITE_DEBUG_LOG:-1}" = "0" ]; then debug=(); fi
  local location=(--location "$data")
  if [ "${AZURITE_IN_MEMORY:-0}" = "1" ]; then location=(--inMemoryPersistence); fi
  mkdir -p "$data"
  "$azurite_bin" --silent --skipApiVersionCheck --loose \
    "${location[@]}" "${debug[@]}" \
    --blobHost 127.0.0.1 --blobPort "$blob" \
    --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" >"$data/azurite.out" 2>&1 &
  AZURITE_PID=$!
  disown "$AZURITE_PID" 2>/dev/null || true # no job-status line ("Killed") when it is stopped
  for _ in $(seq 1 150); do
    if port_open "$blob" && port_open "$queue" && port_open "$table"; then return 0; fi
    if ! kill -0 "$AZURITE_PID" 2>/dev/null; then
      echo "Azurite exited early; its output:" >&2; cat "$data/azurite.out" >&2; return 1
    fi
    sleep 0.2
  done
  echo "Azurite did not open its ports within 30 s" >&2
  return 1
}

azurite_stop() {
  if [ -n "${AZURITE_PID:-}" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$AZURITE_PID" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$AZURITE_PID" 2>/dev/null
  fi
  return 0
}
