#!/usr/bin/env bash
# Load benchmark: for each adapter, in one run, drive with wrk (after a warm-up):
#   (a)  the bare server library with a hand-written /health handler (the framework's limit),
#   (a*) Undertow only: the same handler dispatched to a virtual thread, as blocking code must be,
#   (a') the Portico adapter with a constant handler (the adapter alone),
#   (b)  GET /health through the whole gateway,
#   (c)  an authenticated POST /api/agent through the gateway (echo agent), the clients spread over
#        256 sessions (one conversation per client, as in real use),
#   (d)  the same, every request in the one session "main" (turns of a session run one at a time),
#   (e)  (c) with the file session store (default fsync policy) instead of the in-memory one,
#   (f)  an authenticated GET /api/models (the cheapest authenticated route) through a gateway with
#        every guard at work: the request carries X-Forwarded-For, so it is not a local one and the
#        failed-auth lockout is consulted, and the route's rate limit class has a limit (too high to
#        be reached), so each request takes a token from its bucket.
# Prints req/s and p99 for each and the ratios to (a) and (a'); f/b is the cost of authentication.
# Usage: bench/run.sh [duration-seconds (10)] [warmup-seconds (5)] [connections (50)]
# Targets 127.0.0.1 only; every wrk run is bounded in time.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-10}"
warmup="${2:-5}"
conns="${3:-50}"
threads=2
token="bench-token-0123456789abcdef"

. "$root/bench/lib.sh"
bench_prepare wrk

work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/agent-main.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"message":"hello from wrk"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
LUA
cat >"$work/agent-sessions.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"message":"hello from wrk","session":"bench-' .. (n % 256) .. '"}')
end
LUA

cat >"$work/authenticated.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["X-Forwarded-For"] = "198.51.100.7"
LUA

server_pid=""
start_server() { # mode -> sets $port
  java -Xms256m -Xmx512m -cp "$cp" dev.portico.bench.BenchServer "$1" 0 "$token" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  for _ in $(seq 1 200); do
    if grep -q '^READY ' "$work/server.out" 2>/dev/null; then
      port=$(awk '/^READY /{print $2}' "$work/server.out"); return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server.err" >&2; return 1; fi
    sleep 0.05
  done
  echo "server $1 did not start" >&2; return 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }

# run_wrk url [lua] -> prints "rps p99ms"
run_wrk() {
  local args=(-t"$threads" -c"$conns" --latency)
  [ -n "${2:-}" ] && args+=(-s "$2")
  wrk "${args[@]}" -d"${warmup}s" "$1" >/dev/null 2>&1 || true
  wrk "${args[@]}" -d"${duration}s" "$1" >"$work/wrk.out" 2>&1
  local rps p99
  rps=$(awk '/^Requests\/sec:/{print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%"{print $2}' "$work/wrk.out")
  local non2xx
  non2xx=$(awk '/Non-2xx/{print $NF}' "$work/wrk.out")
  if [ -n "$non2xx" ]; then echo "warning: $non2xx non-2xx answers for $1" >&2; fi
  echo "$rps $p99"
}

ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "n/a" }'; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n1)"
echo "wrk -t$threads -c$conns, ${warmup}s warm-up then ${duration}s measured, same machine as the server"
row() { printf '%-10s %-40s %12s %10s\n' "$@"; }
printf '\n'; row adapter case req/s p99
for server in helidon undertow; do
  start_server "raw-$server"; read -r a a99 < <(run_wrk "http://127.0.0.1:$port/health"); stop_server
  if [ "$server" = undertow ]; then
    start_server "raw-undertow-dispatch"; read -r ad ad99 < <(run_wrk "http://127.0.0.1:$port/health"); stop_server
  fi
  start_server "bare-$server"; read -r ab ab99 < <(run_wrk "http://127.0.0.1:$port/health"); stop_server
  start_server "gateway-$server"
  read -r b b99 < <(run_wrk "http://127.0.0.1:$port/health")
  read -r c c99 < <(run_wrk "http://127.0.0.1:$port/api/agent" "$work/agent-sessions.lua")
  read -r d d99 < <(run_wrk "http://127.0.0.1:$port/api/agent" "$work/agent-main.lua")
  stop_server
  start_server "file-$server"; read -r e e99 < <(run_wrk "http://127.0.0.1:$port/api/agent" "$work/agent-sessions.lua"); stop_server
  start_server "secure-$server"; read -r f f99 < <(run_wrk "http://127.0.0.1:$port/api/models" "$work/authenticated.lua"); stop_server
  row "$server" "(a)  bare $server /health handler" "$a" "$a99"
  if [ "$server" = undertow ]; then
    row "$server" "(a*) same, dispatched to a virtual thread" "$ad" "$ad99"
  fi
  row "$server" "(a') Portico adapter, constant handler" "$ab" "$ab99"
  row "$server" "(b)  gateway GET /health" "$b" "$b99"
  row "$server" "(c)  gateway POST /api/agent, 256 sessions" "$c" "$c99"
  row "$server" "(d)  gateway POST /api/agent, one session" "$d" "$d99"
  row "$server" "(e)  (c) on the file session store" "$e" "$e99"
  row "$server" "(f)  authenticated GET /api/models, guarded" "$f" "$f99"
  printf '%-10s b/a = %s  c/a = %s  d/a = %s  e/a = %s  f/b = %s  |  b/a'"'"' = %s  c/a'"'"' = %s  e/a'"'"' = %s\n\n' "$server" \
    "$(ratio "$b" "$a")" "$(ratio "$c" "$a")" "$(ratio "$d" "$a")" "$(ratio "$e" "$a")" "$(ratio "$f" "$b")" \
    "$(ratio "$b" "$ab")" "$(ratio "$c" "$ab")" "$(ratio "$e" "$ab")"
done
