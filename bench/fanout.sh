#!/usr/bin/env bash
# Event fan-out: N GET /api/events streams on one gateway (Helidon), one broadcast event; reports the
# time until every stream has it and the gateway's heap and RSS with the streams connected.
# Usage: bench/fanout.sh [subscribers (2000)]. Targets 127.0.0.1 only.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
n="${1:-2000}"
token="bench-token-0123456789abcdef"
. "$root/bench/lib.sh"
bench_prepare
work="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n 65536 2>/dev/null || true
java -Xms256m -Xmx512m -cp "$cp" dev.portico.bench.BenchServer events-helidon 0 "$token" >"$work/server.out" 2>"$work/server.err" &
server=$!
for _ in $(seq 1 200); do grep -q '^READY ' "$work/server.out" 2>/dev/null && break; sleep 0.05; done
port=$(awk '/^READY /{print $2}' "$work/server.out")
mkfifo "$work/go"
java -Xmx512m -cp "$cp" dev.portico.bench.FanoutBench "$port" "$token" "$n" <"$work/go" >"$work/client.out" 2>&1 &
client=$!
exec 3>"$work/go"
for _ in $(seq 1 1200); do grep -q '^CONNECTED' "$work/client.out" 2>/dev/null && break; sleep 0.05; done
jcmd "$server" GC.run >/dev/null
heap=$(jcmd "$server" GC.heap_info | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") print $(i+1)}')
rss=$(awk '/VmRSS/{printf "%.0f MiB", $2/1024}' /proc/"$server"/status)
echo "go" >&3
wait "$client" || true
echo "machine: $(nproc) cores; $(java -version 2>&1 | head -n1)"
cat "$work/client.out" | grep -v CONNECTED
echo "gateway with $n streams connected: heap used $heap (after GC), RSS $rss"
