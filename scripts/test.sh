#!/usr/bin/env bash
# The project's test command: installs the system tools the tests run for real (when missing),
# picks a JDK >= 21 and runs the whole Maven build (unit tests, integration tests, chart and script checks).
# Usage: scripts/test.sh [extra Maven arguments, e.g. -o or -Dtest=SomeTest]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# command name -> Debian/Ubuntu package providing it
declare -A TOOL_PACKAGES=(
  [docker-registry]=docker-registry
  [skopeo]=skopeo
  [umoci]=umoci
  [chromium]=chromium
  [chromedriver]=chromium-driver
  [shellcheck]=shellcheck
  [htpasswd]=apache2-utils
)

install_missing_tools() {
  local missing=() tool
  for tool in "${!TOOL_PACKAGES[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("${TOOL_PACKAGES[$tool]}")
  done
  if ((${#missing[@]} == 0)); then
    return 0
  fi
  echo "Installing missing packages: ${missing[*]}"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "ERROR: apt-get not found; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
  local sudo=()
  if ((EUID != 0)); then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "ERROR: not root and sudo not found; install these packages by hand: ${missing[*]}" >&2
      exit 1
    fi
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

# Prints the major version of the JDK at $1 (0 when it is not a JDK).
jdk_major() {
  local home=$1 version=""
  [[ -x "$home/bin/java" && -x "$home/bin/javac" ]] || { echo 0; return; }
  if [[ -f "$home/release" ]]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
  fi
  if [[ -z "$version" ]]; then
    version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java\.specification\.version = //p')
  fi
  version=${version#1.}
  version=${version%%[.+-]*}
  [[ "$version" =~ ^[0-9]+$ ]] && echo "$version" || echo 0
}

select_jdk() {
  if [[ -n "${JAVA_HOME:-}" ]] && (($(jdk_major "$JAVA_HOME") >= 21)); then
    return 0
  fi
  local best="" best_major=0 home major
  for home in /usr/lib/jvm/*; do
    [[ -d "$home" && ! -L "$home" ]] || continue
    major=$(jdk_major "$home")
    if ((major > best_major)); then
      best=$home
      best_major=$major
    fi
  done
  if ((best_major < 21)); then
    echo "ERROR: no JDK 21 or newer found (JAVA_HOME='${JAVA_HOME:-}', /usr/lib/jvm has none)." >&2
    echo "       Install one (e.g. 'apt-get install openjdk-21-jdk' or Temurin 21/25) or set JAVA_HOME." >&2
    exit 1
  fi
  export JAVA_HOME=$best
}

install_missing_tools
select_jdk
java_major=$(jdk_major "$JAVA_HOME")
if ((java_major >= 24)); then
  # Maven's bundled Guava uses sun.misc.Unsafe; JDK 24+ warns about it on every run.
  export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
fi
export PATH="$JAVA_HOME/bin:$PATH"
echo "Using JDK $java_major at $JAVA_HOME"

echo "shellcheck -x scripts/*.sh"
shellcheck -x scripts/*.sh

exec ./mvnw -B verify "$@"
