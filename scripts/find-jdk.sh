#!/usr/bin/env bash
# Selects a JDK 21+ and exports JAVA_HOME; sourced by ./portico and .ci/run.
# Order: $JAVA_HOME if it is 21+, else `java` on the PATH if 21+, else the newest JDK under /usr/lib/jvm.

portico_java_major() {
  # Prints the major version of the java binary given as $1 (17, 21, 25, ...), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

portico_find_jdk() {
  local major candidate best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    major=$(portico_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      return 0
    fi
  fi
  if command -v java >/dev/null 2>&1; then
    major=$(portico_java_major "$(command -v java)")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
      export JAVA_HOME="$candidate"
      return 0
    fi
  fi
  for candidate in /usr/lib/jvm/*/; do
    candidate=${candidate%/}
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(portico_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  if [ -n "$best" ]; then
    export JAVA_HOME="$best"
    return 0
  fi
  echo "error: Portico needs a JDK 21 or newer, and none was found (checked \$JAVA_HOME, java on the PATH and /usr/lib/jvm)." >&2
  echo "       Install one (for example: apt-get install openjdk-21-jdk-headless) or set JAVA_HOME to it." >&2
  return 1
}
