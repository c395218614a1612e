#!/usr/bin/env bash
# Scheduler benchmark (dev.portico.bench.CronBench), each step in a fresh JVM:
#   loaded:  a jobs.json of 100,000 jobs (60% cron expressions in eight zones, 30% every 5 min to
#            24 h, 10% at), written as FileJobStore writes it, every next run minutes ahead:
#            whether the store reads it as it is; then FileJobStore.open + CronScheduler start(),
#            the heap they hold, the CPU used over --idle-seconds with nothing due (the whole
#            process and the timer thread, and the timer's wake-ups), and what one save costs;
#            the same with no jobs, for the JVM's own floor; with --history N each recurring job
#            also has a runs file of N earlier runs (none by default);
#   burst:   1,000 jobs due together (at one instant, or spread over one second), a no-op
#            executor, a pool of 4: fire lag p50/p99/max and the time until every run has ended,
#            on the in-memory store and on the file store; two bursts per JVM (code cold, then
#            after one burst).
# Usage: bench/cron.sh [--idle-seconds N (30)] [--jobs N (100000)] [--history N (0)] [--burst N (1000)]
#                      [--pool N (4)] [--work DIR (bench/target/cron-bench)]
# The work directory should be on the disk you care about; it is emptied first and removed at the
# end. Every JVM is bounded in time; with the defaults the whole script takes about three minutes.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
idle=30
jobs=100000
history=0
burst=1000
pool=4
work="$root/bench/target/cron-bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --idle-seconds) idle="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --history) history="$2"; shift 2 ;;
    --burst) burst="$2"; shift 2 ;;
    --pool) pool="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    *) echo "unknown option: $1 (see the usage at the top of $0)" >&2; exit 2 ;;
  esac
done

. "$root/bench/lib.sh"
bench_prepare

rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
bench() { # seconds-allowed extra-jvm-option-or-empty command args...
  local limit="$1" extra="$2"; shift 2
  timeout "$limit" java -Xms256m -Xmx1g ${extra:+"$extra"} -cp "$cp" dev.portico.bench.CronBench "$@"
}

echo "machine: $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -n1)"
echo "work dir: $work ($(df -T "$work" | awk 'NR==2{print $2}') on $(df "$work" | awk 'NR==2{print $1}'))"
echo
echo "== $jobs jobs loaded, nothing due for $((idle + 300)) s or more, $history earlier runs per recurring job"
bench 600 "" populate "$work/loaded" "$jobs" $((idle + 300)) --history "$history" 2>&1
cp -al "$work/loaded" "$work/loaded-as-is"
bench 120 "" check "$work/loaded-as-is" "$jobs"
echo
echo "Fresh JVM each (-Xms256m -Xmx1g); the store's heap is measured after open(), the"
echo "total after start(), each after a System.gc(); CPU over ${idle} s after 2 s of settling, per 30 s."
echo
echo "| jobs | open ms | start() ms | start-up ms | heap MiB | process CPU ms/30 s | of a core | timer thread CPU ms/30 s | of a core | timer wake-ups | save ms (1st, 2nd) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
bench $((idle + 600)) "" idle "$work/loaded" --idle-seconds "$idle"
mkdir -p "$work/empty"
bench $((idle + 60)) "" idle "$work/empty" --idle-seconds "$idle"
echo
echo "== $burst jobs due together, no-op executor, pool of $pool"
echo "Fire lag: when execute() began minus when the run was due. All done: when the last run was recorded"
echo "as ended, after the last due time. Armed: how long before the (first) due time start() had returned."
out="$work/burst.out"
: >"$out"
for store in memory file; do
  for spec in "at 0" "at 1000" "every 0"; do
    read -r kind spread <<<"$spec"
    rm -rf "$work/burst"
    bench 150 "" burst "$store" "$kind" "$spread" "$burst" "$pool" "$work/burst" >>"$out"
  done
done
echo
echo "| store | jobs | burst | first ms | p50 ms | p99 ms | max ms | all done ms | p99 < 50 ms | armed ms |"
echo "|---|---|---|---:|---:|---:|---:|---:|---|---:|"
grep '^| ' "$out"
echo
echo "Where the time went (the same runs): store calls as count × mean, the timer thread's CPU time and"
echo "wake-ups from 200 ms before the due time, the run threads' CPU time, and start() itself."
echo
echo "| store | jobs | burst | recordRun | save | saveState | timer thread | run threads CPU | start() |"
echo "|---|---|---|---|---|---|---|---:|---:|"
grep '^S| ' "$out" | sed 's/^S//'
