#!/usr/bin/env bash
# MQTTee benchmark (issue 7): builds what is needed, then starts each broker in turn on a loopback
# port pinned to one core, runs the same scenarios against it from a load generator pinned to the
# other core, stops it, and writes target/bench/results.md and results.json (medians over --runs).
#
#   bench/run.sh                                    # the full benchmark: 3 runs, 3 s warm-up (10 s before latency), 10 s per scenario
#   bench/run.sh --runs 1 --warmup 1 --latency-warmup 1 --duration 2   # a smoke run
#   bench/run.sh --brokers mqttee,mosquitto --scenarios fanin-q0,latency-q1
#
# Options (all optional): --runs N, --warmup S, --latency-warmup S (10), --duration S, --connections N, --window N,
# --brokers LIST (mqttee,mosquitto,moquette,hivemq; mqttee-b for an A/B; floor, floor-task, floor-decode,
# floor-codec: calibrations, not brokers; see docs/benchmarks.md),
# --scenarios LIST (connections, latency-q0, latency-q1, fanin-q0, fanin-q1, fanout-q0, fanout-q1,
# pairs-q0, pairs-q1, flood),
# --heap SIZE (every JVM broker's -Xmx, default 1g). BENCH_SKIP_BUILD=1 reuses the last build.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/target/bench
mkdir -p "$out"

broker_cpus=${BENCH_BROKER_CPUS:-0}
generator_cpus=${BENCH_GENERATOR_CPUS:-1}

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building MQTTee (the launcher and the Tomcat-ready WAR)"
  mvn -B -q -DskipTests package
  echo "== building the load generator (profile bench, output in target/bench)"
  mvn -B -q -Pbench -DskipTests -Dmqttee.build.dir="$out" compile \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
    -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/cp-generator.txt"
  for peer in moquette hivemq; do
    echo "== resolving $peer"
    if ! mvn -B -q -f "bench/peers/$peer/pom.xml" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile="$out/cp-$peer.txt"; then
      echo "!! $peer did not resolve: it will be reported as not started"
    fi
  done
fi
# Mosquitto is a peer: on a fresh Debian/Ubuntu machine, install its package (as root) when missing
if [[ ! -x /usr/sbin/mosquitto ]] && command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
  echo "== installing Debian's mosquitto (a peer)"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mosquitto \
    || echo "!! could not install mosquitto"
  # the package starts its own service on port 1883; the benchmark starts its own mosquitto
  { systemctl stop mosquitto || service mosquitto stop || pkill -x mosquitto; } >/dev/null 2>&1 || true
fi
[[ -x /usr/sbin/mosquitto ]] || echo "!! /usr/sbin/mosquitto missing (apt-get install mosquitto): it will be reported as not started"

echo "== uptime: $(uptime)"
exec taskset -c "$generator_cpus" java -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
  -cp "$out/classes:$(cat "$out/cp-generator.txt")" io.mqttee.bench.BenchMain \
  --root "$root" --out "$out" --bench-classes "$out/classes" --generator-classpath "$out/cp-generator.txt" \
  --broker-cpus "$broker_cpus" "$@"
