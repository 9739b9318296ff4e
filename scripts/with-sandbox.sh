#!/usr/bin/env bash
# Runs a command with the sandbox up on a free loopback port, then stops the sandbox.
# The command sees SELLO_SANDBOX_URL (http://127.0.0.1:PORT) in its environment.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
port_file=$(mktemp)
python3 "$here/sandbox/sello_sandbox.py" --port 0 --port-file "$port_file" >/dev/null &
sandbox_pid=$!
trap 'kill "$sandbox_pid" 2>/dev/null; wait "$sandbox_pid" 2>/dev/null; rm -f "$port_file"' EXIT
for _ in $(seq 1 100); do
  [[ -s "$port_file" ]] && break
  kill -0 "$sandbox_pid" 2>/dev/null || { echo "the sandbox did not start" >&2; exit 1; }
  sleep 0.05
done
[[ -s "$port_file" ]] || { echo "the sandbox did not report its port" >&2; exit 1; }
export SELLO_SANDBOX_URL="http://127.0.0.1:$(cat "$port_file")"
"$@"
