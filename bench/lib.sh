# Sourced by the benchmark scripts: `. "$root/bench/lib.sh"; bench_prepare [wrk]`.
# bench_prepare installs wrk (Debian package) when asked for and missing, finds a JDK 21+ (and puts
# it first on PATH), builds the bench module and sets $cp to its class path.
bench_prepare() {
  if [ "${1:-}" = wrk ] && ! command -v wrk >/dev/null 2>&1; then
    echo "Installing wrk (Debian package)..." >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
  fi
  . "$root/scripts/find-jdk.sh"
  portico_find_jdk
  export PATH="$JAVA_HOME/bin:$PATH"
  echo "Building the benchmark..." >&2
  (cd "$root" && ./mvnw -B -q -ntp -DskipTests -DskipITs -pl bench -am package) >&2
  cp="$root/bench/target/portico-bench-0.1.0-SNAPSHOT.jar:$root/bench/target/libs/*"
}
