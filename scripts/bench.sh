#!/usr/bin/env bash
# The benchmark of issue 7, in one command: seeds a real docker-registry on a free loopback port with
# REPOS × TAGS images plus one repository of BIG_TAGS tags, measures a bare-client floor, then the service jar
# (start to ready, cold index, reconcile, push → visible on two instances, warm pages with wrk, the big repository
# page, heap per tag), then issue 18's restarts (a replica from a live peer's copy, then from the snapshot the peer
# wrote on SIGTERM: start to ready and to caught up, registry requests) and writes bench/RESULTS.md (overwritten)
# and prints it.
#
# `--shape realistic` seeds a registry shaped like real ones instead (every fifth repository multi-platform buildx
# indexes with attestations, layers of 0.5–400 KB: see RealisticSeeder). `--only crawl` runs only the seed, the
# cold index rows (floor against the service's first crawl, at the service's default registry concurrency unless
# --concurrency says otherwise; `--concurrency default,16` gives a cold index row for each) and the restart rows, and writes bench/RESULTS-crawl-<shape>.md.
#
# Then issue 15's pre-flight row (PreflightBench: 100 nodes and 10,000 pods in the stand-in API, 10 viewers) writes
# its own section into the same file. `--only preflight` runs that row alone and replaces only its section.
#
# `--only load-heap` (issue 18, no registry needed) measures the heap a restarting replica needs while it loads an
# index copy: realistic-shaped indexes of LOAD_HEAP_SIZES (2000x10,10000x10) written as snapshots, and the smallest
# -Xmx each loads in, found by bisection (LoadHeapBench); writes bench/RESULTS-load-heap.md.
#
# Usage: scripts/bench.sh [--only all|crawl|preflight|load-heap] [--shape simple|realistic] [--concurrency N|default[,N…]]
#                         [--repos N] [--tags M] [--big-tags B] [--wrk-seconds S] [--label TEXT]
# Environment (same meaning): REPOS (500), TAGS (10), BIG_TAGS (3000), WRK_SECONDS (10), WRK_CONNECTIONS (32),
# RECONCILE_INTERVAL (PT20S), SERVICE_JVM_OPTIONS (-Xmx384m -XX:+UseG1GC; the class-data archive is added unless
# SERVICE_CDS=off), COLD_ROUNDS (3: floor and cold index
# rounds, medians compared), BENCH_SHAPE (simple), BENCH_CONCURRENCY (default), BENCH_LABEL, BENCH_OUT
# (bench/RESULTS.md; bench/RESULTS-crawl-<shape>.md with --only crawl), BENCH_ONLY (all), PREFLIGHT_NODES (100),
# PREFLIGHT_PODS (10000), PREFLIGHT_VIEWERS (10), PREFLIGHT_SECONDS (60), LOAD_HEAP_SIZES (2000x10,10000x10).
# Needs: JDK 21+, docker-registry (apt-get install docker-registry), wrk (apt-get install wrk; without it the
# warm-page figures are reported as n/a). Everything runs on 127.0.0.1 and stops when the script ends.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPOS=${REPOS:-500}
TAGS=${TAGS:-10}
BIG_TAGS=${BIG_TAGS:-3000}
WRK_SECONDS=${WRK_SECONDS:-10}
WRK_CONNECTIONS=${WRK_CONNECTIONS:-32}
RECONCILE_INTERVAL=${RECONCILE_INTERVAL:-PT20S}
SERVICE_JVM_OPTIONS=${SERVICE_JVM_OPTIONS:--Xmx384m -XX:+UseG1GC}
SERVICE_CDS=${SERVICE_CDS:-on}
COLD_ROUNDS=${COLD_ROUNDS:-3}
BENCH_LABEL=${BENCH_LABEL:-}
BENCH_OUT=${BENCH_OUT:-}
LOAD_HEAP_SIZES=${LOAD_HEAP_SIZES:-2000x10,10000x10}
BENCH_ONLY=${BENCH_ONLY:-all}
BENCH_SHAPE=${BENCH_SHAPE:-simple}
BENCH_CONCURRENCY=${BENCH_CONCURRENCY:-default}
PREFLIGHT_NODES=${PREFLIGHT_NODES:-100}
PREFLIGHT_PODS=${PREFLIGHT_PODS:-10000}
PREFLIGHT_VIEWERS=${PREFLIGHT_VIEWERS:-10}
PREFLIGHT_SECONDS=${PREFLIGHT_SECONDS:-60}

usage() {
  sed -n '2,25p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

while (($# > 0)); do
  case $1 in
    --repos) REPOS=$2; shift 2 ;;
    --tags) TAGS=$2; shift 2 ;;
    --big-tags) BIG_TAGS=$2; shift 2 ;;
    --wrk-seconds) WRK_SECONDS=$2; shift 2 ;;
    --label) BENCH_LABEL=$2; shift 2 ;;
    --only) BENCH_ONLY=$2; shift 2 ;;
    --shape) BENCH_SHAPE=$2; shift 2 ;;
    --concurrency) BENCH_CONCURRENCY=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done
[[ "$BENCH_ONLY" =~ ^(all|crawl|preflight|load-heap)$ ]] \
  || die "--only takes all, crawl, preflight or load-heap, not: $BENCH_ONLY"
[[ "$BENCH_SHAPE" =~ ^(simple|realistic)$ ]] || die "--shape takes simple or realistic, not: $BENCH_SHAPE"
[[ "$LOAD_HEAP_SIZES" =~ ^[1-9][0-9]*x[1-9][0-9]*(,[1-9][0-9]*x[1-9][0-9]*)*$ ]] \
  || die "LOAD_HEAP_SIZES takes repositoriesxtags, comma-separated (e.g. 2000x10), not: $LOAD_HEAP_SIZES"
[[ "$SERVICE_CDS" =~ ^(on|off)$ ]] || die "SERVICE_CDS takes on or off, not: $SERVICE_CDS"
[[ "$BENCH_CONCURRENCY" =~ ^(default|[1-9][0-9]*)(,(default|[1-9][0-9]*))*$ ]] \
  || die "--concurrency takes numbers or default, comma-separated, not: $BENCH_CONCURRENCY"
if [[ -z "$BENCH_OUT" ]]; then
  case $BENCH_ONLY in
    crawl) BENCH_OUT=bench/RESULTS-crawl-$BENCH_SHAPE.md ;;
    load-heap) BENCH_OUT=bench/RESULTS-load-heap.md ;;
    *) BENCH_OUT=bench/RESULTS.md ;;
  esac
fi
for number in "$REPOS" "$TAGS" "$BIG_TAGS" "$WRK_SECONDS" "$WRK_CONNECTIONS" "$COLD_ROUNDS" \
  "$PREFLIGHT_NODES" "$PREFLIGHT_PODS" "$PREFLIGHT_VIEWERS" "$PREFLIGHT_SECONDS"; do
  [[ "$number" =~ ^[0-9]+$ ]] || die "not a whole number: $number"
done

# Major version of the JDK at $1 (0 when it is not one).
jdk_major() {
  local release=$1/release version
  [[ -x "$1/bin/java" && -f "$release" ]] || { echo 0; return; }
  version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release")
  version=${version#1.}
  version=${version%%[.+-]*}
  [[ "$version" =~ ^[0-9]+$ ]] && echo "$version" || echo 0
}

if [[ -z "${JAVA_HOME:-}" ]] || (($(jdk_major "$JAVA_HOME") < 21)); then
  best="" best_major=0
  for home in /usr/lib/jvm/*; do
    [[ -d "$home" && ! -L "$home" ]] || continue
    major=$(jdk_major "$home")
    if ((major > best_major)); then best=$home; best_major=$major; fi
  done
  ((best_major >= 21)) || die "no JDK 21 or newer found: install one (e.g. apt-get install openjdk-21-jdk) or set JAVA_HOME"
  export JAVA_HOME=$best
fi
export PATH="$JAVA_HOME/bin:$PATH"
if (($(jdk_major "$JAVA_HOME") >= 24)); then
  export MAVEN_OPTS="${MAVEN_OPTS:+$MAVEN_OPTS }--sun-misc-unsafe-memory-access=allow"
fi

[[ "$BENCH_ONLY" == load-heap ]] || command -v docker-registry >/dev/null 2>&1 \
  || die "docker-registry is missing: sudo apt-get install -y docker-registry (Distribution 2.8)"
command -v jcmd >/dev/null 2>&1 || die "jcmd is missing from $JAVA_HOME/bin (a full JDK is needed)"
if ! command -v wrk >/dev/null 2>&1; then
  log "wrk is missing: the warm-page figures will be n/a. Install it with: sudo apt-get install -y wrk"
fi

cd "$ROOT"
jar=target/catalog.jar
if [[ "$BENCH_ONLY" != preflight && "$BENCH_ONLY" != load-heap ]]; then
  if [[ ! -f "$jar" ]] || [[ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]]; then
    log "building $jar"
    ./mvnw -B -q -DskipTests package
  fi
fi
# The image starts the service from a class-data archive made by a training start (Dockerfile); the benchmark makes
# the same archive for this jar and JDK, so a start is measured as it happens in a pod. SERVICE_CDS=off measures
# starts without it.
if [[ "$BENCH_ONLY" != preflight && "$BENCH_ONLY" != load-heap && "$SERVICE_CDS" == on ]]; then
  archive=target/catalog.jsa
  if [[ ! -f "$archive" || "$jar" -nt "$archive" ]]; then
    log "training the class-data archive $archive (a start that stops once it listens)"
    rm -f "$archive"
    SERVER_HOST=127.0.0.1 SERVER_PORT=0 REGISTRY_URL=http://127.0.0.1:9 \
      java -XX:ArchiveClassesAtExit="$archive" -Dcatalog.training-run=true -jar "$jar" >target/catalog-training.log 2>&1 \
      || die "the training start failed: see target/catalog-training.log"
  fi
  SERVICE_JVM_OPTIONS="$SERVICE_JVM_OPTIONS -XX:SharedArchiveFile=$archive"
fi
log "compiling the benchmark (test sources) and resolving its class path"
./mvnw -B -q test-compile
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
classpath="target/test-classes:target/classes:$(cat target/bench-classpath.txt)"

if [[ "$BENCH_ONLY" == load-heap ]]; then
  exec java -cp "$classpath" dev.imagecatalog.bench.LoadHeapBench "sizes=$LOAD_HEAP_SIZES" "out=$BENCH_OUT"
fi

if [[ "$BENCH_ONLY" != preflight ]]; then
  rows=all
  [[ "$BENCH_ONLY" == crawl ]] && rows=crawl
  java -cp "$classpath" dev.imagecatalog.bench.Bench \
    "repos=$REPOS" "tags=$TAGS" "bigTags=$BIG_TAGS" "wrkSeconds=$WRK_SECONDS" "wrkConnections=$WRK_CONNECTIONS" \
    "reconcile=$RECONCILE_INTERVAL" "jar=$jar" "out=$BENCH_OUT" "label=$BENCH_LABEL" \
    "jvmOptions=$SERVICE_JVM_OPTIONS" "coldRounds=$COLD_ROUNDS" "shape=$BENCH_SHAPE" "rows=$rows" \
    "concurrency=$BENCH_CONCURRENCY"
fi
[[ "$BENCH_ONLY" == crawl ]] && exit 0
java -cp "$classpath" dev.imagecatalog.bench.PreflightBench "nodes=$PREFLIGHT_NODES" "pods=$PREFLIGHT_PODS" \
  "viewers=$PREFLIGHT_VIEWERS" "seconds=$PREFLIGHT_SECONDS" "out=$BENCH_OUT"
