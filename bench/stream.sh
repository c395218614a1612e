#!/usr/bin/env bash
# Streaming-overhead benchmark: how much latency the gateway adds to each streamed delta.
# A fake OpenAI-compatible upstream streams DELTAS deltas per reply, one every INTERVAL µs, each
# stamped with its write time; a client on a real socket reads SSE (a) straight from the upstream,
# (b) through the gateway on Helidon, (c) through the gateway on Undertow, and reports the
# per-delta latency percentiles and what the gateway adds (b − a, c − a).
# Usage: bench/stream.sh [streams (20)] [deltas (200)] [interval-µs (2000)] [concurrency (1)] [warm-up streams (10)]
# Everything runs on 127.0.0.1, in one JVM (so the clock is shared), and ends on its own.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

. "$root/bench/lib.sh"
bench_prepare

exec java -Xms256m -Xmx512m -cp "$cp" dev.portico.bench.StreamBench "$@"
