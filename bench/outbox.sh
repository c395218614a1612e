#!/usr/bin/env bash
# Channels and the outbox, on 127.0.0.1 only, every step bounded in time:
#   accepted:  POST /api/message ({"channel":"bench","chat_id":"chat-N","content":...}, the operator
#              token, the chat ids spread over 256 chats) driven by wrk against the whole gateway on
#              Helidon, with a webhook channel whose callback is a sink in the gateway's JVM (a JDK
#              HttpServer answering 200 at once) and a FileOutboxStore in the work directory:
#              (b) fsync policy batched (the default), (c) always, (d) batched with
#              outboxConcurrency 64 instead of 16. In the same run, the same requests against the
#              bare Helidon adapter with a constant handler (a), the ratio's baseline, and
#              callback-sized POSTs against the sink alone (s), what the receiving end can take.
#              For each: req/s, p99, the server's CPU time per request, and how much of what was
#              accepted the outbox had delivered by the end (it delivers while requests come in).
#   drain:     N messages over the chats written into a FileOutboxStore before the gateway starts;
#              then the gateway starts with the sink up, and the time until the sink has every
#              message (dev.portico.bench.OutboxBench), at outboxConcurrency 16 and 64, each in a
#              fresh JVM: a first round of N messages meets the code cold, the second is the figure.
#              Then the same with a channel that counts each message at the sink in the delivery
#              thread, without HTTP: what the outbox and its store cost alone.
# Usage: bench/outbox.sh [duration-seconds (10)] [warmup-seconds (5)] [connections (50)]
#                        [messages (40000)] [chats (256)] [work-dir (bench/target/outbox-bench)]
# The work directory should be on the disk you care about (fsync cost is the disk's); it is emptied
# first and removed at the end. With the defaults the script takes about three minutes after the
# build. PORTICO_BENCH_KEEP=1 keeps it, with the servers' logs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-10}"
warmup="${2:-5}"
conns="${3:-50}"
messages="${4:-40000}"
chats="${5:-256}"
work="${6:-$root/bench/target/outbox-bench}"
threads=2
token="bench-token-0123456789abcdef"

. "$root/bench/lib.sh"
bench_prepare wrk

rm -rf "$work"
mkdir -p "$work"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
# Kept on exit for a look at the logs: PORTICO_BENCH_KEEP=1.
[ -n "${PORTICO_BENCH_KEEP:-}" ] && trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
hz="$(getconf CLK_TCK)"

cat >"$work/message.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $token"
local n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil,
    '{"channel":"bench","chat_id":"chat-' .. (n % $chats) .. '","content":"hello from wrk, message ' .. n .. '"}')
end
LUA
# What the webhook channel POSTs to its callback, roughly: for the sink alone.
cat >"$work/callback.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Hub-Signature-256"] = "sha256=0000000000000000000000000000000000000000000000000000000000000000"
local n = 0
request = function()
  n = n + 1
  wrk.headers["Idempotency-Key"] = "wrk-" .. n
  return wrk.format(nil, nil, nil, '{"channel":"bench","chat_id":"chat-' .. (n % $chats)
    .. '","text":"hello from wrk","type":"message","message_id":"0b6c3c1e-5a4f-4e43-9a57-' .. n .. '"}')
end
LUA

server_pid=""
sink_port=""
start_server() { # mode [fsync [outbox-concurrency]] -> sets $port (and $sink_port for outbox-helidon)
  PORTICO_BENCH_FSYNC="${2:-batched}" PORTICO_BENCH_OUTBOX_CONCURRENCY="${3:-16}" PORTICO_BENCH_DIR="$work" \
    java -Xms256m -Xmx1g -cp "$cp" dev.portico.bench.BenchServer "$1" 0 "$token" \
    >"$work/server.out" 2>"$work/server-$1-${2:-}.err" &
  server_pid=$!
  for _ in $(seq 1 300); do
    if grep -q '^READY ' "$work/server.out" 2>/dev/null; then
      port=$(awk '/^READY /{print $2}' "$work/server.out")
      sink_port=$(awk '/^SINK /{print $2}' "$work/server.out")
      return 0
    fi
    if ! kill -0 "$server_pid" 2>/dev/null; then cat "$work/server-$1-${2:-}.err" >&2; return 1; fi
    sleep 0.05
  done
  echo "server $1 did not start" >&2; return 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

# run_wrk url lua -> prints "rps p99 cpu-us-per-request accepted-in-both-runs"
run_wrk() {
  local args=(-t"$threads" -c"$conns" --latency -s "$2")
  wrk "${args[@]}" -d"${warmup}s" "$1" >"$work/wrk-warm.out" 2>&1 || true
  local t0 t1
  t0=$(cpu_ticks)
  wrk "${args[@]}" -d"${duration}s" "$1" >"$work/wrk.out" 2>&1
  t1=$(cpu_ticks)
  local rps p99 reqs ok non2xx
  rps=$(awk '/^Requests\/sec:/{print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%"{print $2}' "$work/wrk.out")
  reqs=$(awk '/requests in/{print $1}' "$work/wrk.out")
  ok=0
  for f in "$work/wrk-warm.out" "$work/wrk.out"; do
    non2xx=$(awk '/Non-2xx/{print $NF}' "$f"); non2xx=${non2xx:-0}
    [ "$non2xx" != 0 ] && echo "warning: $non2xx non-2xx answers for $1" >&2
    ok=$((ok + $(awk '/requests in/{print $1}' "$f") - non2xx))
  done
  echo "$rps $p99 $(awk -v d="$((t1 - t0))" -v hz="$hz" -v n="$reqs" 'BEGIN { printf "%.0f", d * 1e6 / hz / n }') $ok"
}
# delivered and pending right after a run: "distinct-at-sink pending-in-outbox"
outbox_state() {
  local distinct pending
  distinct=$(curl -s "http://127.0.0.1:$sink_port/stats" | sed 's/.*"distinct":\([0-9]*\).*/\1/')
  pending=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/channels" \
    | sed 's/.*"pending":\([0-9]*\).*/\1/')
  echo "$distinct $pending"
}

ratio() { awk -v x="$1" -v y="$2" 'BEGIN { if (y > 0) printf "%.2f", x / y; else print "n/a" }'; }

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n1)"
echo "work dir: $work ($(df -T "$work" | awk 'NR==2{print $2}') on $(df "$work" | awk 'NR==2{print $1}'))"
echo "wrk -t$threads -c$conns, ${warmup}s warm-up then ${duration}s measured, same machine as the server; $chats chats"
echo

start_server sink; read -r s s99 scpu sok < <(run_wrk "http://127.0.0.1:$port/replies" "$work/callback.lua"); stop_server
start_server bare-helidon; read -r a a99 acpu aok < <(run_wrk "http://127.0.0.1:$port/api/message" "$work/message.lua"); stop_server
start_server outbox-helidon batched
read -r b b99 bcpu bok < <(run_wrk "http://127.0.0.1:$port/api/message" "$work/message.lua")
read -r bdel bpend < <(outbox_state); stop_server
start_server outbox-helidon always
read -r c c99 ccpu cok < <(run_wrk "http://127.0.0.1:$port/api/message" "$work/message.lua")
read -r cdel cpend < <(outbox_state); stop_server
start_server outbox-helidon batched 64
read -r d d99 dcpu dok < <(run_wrk "http://127.0.0.1:$port/api/message" "$work/message.lua")
read -r ddel dpend < <(outbox_state); stop_server

per_s() { awk -v x="$1" -v t="$((warmup + duration))" 'BEGIN { printf "%.0f", x / t }'; }
echo "| case | req/s | p99 | ratio to (a) | server CPU µs/req | accepted (warm-up + run) | delivered by the end | delivered/s meanwhile | pending at the end |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
echo "| (s) the sink alone: a callback-sized POST to the JDK HttpServer | $s | $s99 | | $scpu | | | | |"
echo "| (a) bare Helidon adapter, constant handler, the same POST /api/message | $a | $a99 | 1.00 | $acpu | | | | |"
echo "| (b) gateway POST /api/message, file outbox, fsync batched (default), outboxConcurrency 16 | **$b** | $b99 | $(ratio "$b" "$a") | $bcpu | $bok | $bdel | $(per_s "$bdel") | $bpend |"
echo "| (c) the same, fsync always | **$c** | $c99 | $(ratio "$c" "$a") | $ccpu | $cok | $cdel | $(per_s "$cdel") | $cpend |"
echo "| (d) (b) with outboxConcurrency 64 | **$d** | $d99 | $(ratio "$d" "$a") | $dcpu | $dok | $ddel | $(per_s "$ddel") | $dpend |"
echo
echo "== drain: $messages messages over $chats chats in the store before start, sink in the same JVM"
echo "| round | concurrency | messages | chats | preload ms | store open ms | first ms | all ms | msgs/s | CPU µs/msg | cores busy | received | duplicates | pending after stop |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for run in "16 http" "64 http" "16 direct"; do
  read -r concurrency delivery <<<"$run"
  timeout 300 java -Xms256m -Xmx1g -cp "$cp" dev.portico.bench.OutboxBench drain "$work/drain-$delivery" "$messages" \
    "$chats" "$concurrency" "$messages" "$delivery" 2>"$work/drain-$concurrency-$delivery.err" | grep '^| ' \
    || { echo "drain $run failed:" >&2; tail -n 20 "$work/drain-$concurrency-$delivery.err" >&2; }
done
echo
echo "WARNING and SEVERE log lines of the servers and drains, by kind (ids replaced by <id>):"
cat "$work"/*.err | grep -E '^(WARNING|SEVERE): ' \
  | sed -E 's/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/<id>/g; s/chat-[0-9]+/chat-<n>/g' \
  | cut -c1-160 | sort | uniq -c | sort -rn | head -n 5 || true
