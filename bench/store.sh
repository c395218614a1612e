#!/usr/bin/env bash
# File session store benchmark (dev.portico.bench.StoreBench), each step in a fresh JVM:
#   appends:  100,000 messages across 1,000 sessions, one virtual thread per session, for each
#             fsync policy (BATCHED is the default), plus one thread appending alone;
#   startup:  opening a store of 10,000 sessions (index valid, three runs; then index deleted);
#   list:     list() over those 10,000 sessions (first call, median and p99 of 200);
#   history:  pages of a 100,000-message session (first read, latest page, old page).
# Usage: bench/store.sh [work-dir (bench/target/store-bench)]
# The work directory should be on the disk you care about (fsync cost is the disk's); it is
# emptied first and removed at the end.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${1:-$root/bench/target/store-bench}"

. "$root/bench/lib.sh"
bench_prepare

rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
bench() { java -Xms256m -Xmx1g -cp "$cp" dev.portico.bench.StoreBench "$@"; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n1)"
echo "work dir: $work ($(df -T "$work" | awk 'NR==2{print $2}') on $(df "$work" | awk 'NR==2{print $1}'))"
echo
echo "== appends: 100,000 messages, 1,000 sessions, one virtual thread per session"
for policy in batched always never; do
  bench append "$work/append-$policy" "$policy" 1000 100000
done
echo
echo "== one thread appending alone (latency of an append)"
bench sequential "$work/seq-batched" batched 20000
bench sequential "$work/seq-always" always 2000
bench sequential "$work/seq-never" never 20000
echo
echo "== 10,000 sessions (5 messages each) plus one of 100,000 messages"
bench populate "$work/big" 10000 5
echo "-- open with a valid index (fresh JVM each), then list"
for run in 1 2 3; do bench open "$work/big"; done
echo "-- open with the index deleted (every transcript rescanned), then with the rebuilt index"
rm "$work/big/index.jsonl"
bench open "$work/big"
bench open "$work/big"
echo "-- history of the 100,000-message session"
bench history "$work/big"
