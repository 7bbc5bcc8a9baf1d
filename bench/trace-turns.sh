#!/usr/bin/env bash
# Traces each broker's turn per message during a latency scenario (bench/turn.py), in one command:
# runs bench/run.sh for one run of latency-q0 (or what --scenarios says), waits until every broker
# is past its latency warm-up, records the system calls of each broker's busiest I/O thread with
# perf for --record seconds, and prints bench/turn.py's figures per broker.
#
#   bench/trace-turns.sh --brokers mqttee,mosquitto,floor
#   BENCH_MQTTEE_B_JAVA_OPTS=-Dio.netty.allocator.type=unpooled bench/trace-turns.sh --brokers mqttee,mqttee-b
#
# Options: --record S (seconds traced, default 30), then any bench/run.sh option (defaults here:
# --runs 1 --scenarios latency-q0 --latency-warmup 20 --duration 60). Needs perf (Debian: linux-perf)
# and root. Tracing costs every system call 1-2 us: compare brokers traced by this same recipe only;
# the end-to-end figures of a traced run are not the benchmark's (see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
record=30
args=()
while [[ $# -gt 0 ]]; do
  if [[ $1 == --record ]]; then record=$2; shift 2; else args+=("$1"); shift; fi
done
command -v perf >/dev/null || { echo "perf is missing (apt-get install linux-perf)" >&2; exit 2; }
out=target/bench/trace
mkdir -p "$out"
log=$out/run.log
warmup=20
for ((i = 0; i < ${#args[@]}; i++)); do
  [[ ${args[i]} == --latency-warmup ]] && warmup=${args[i + 1]}
done

bench/run.sh --runs 1 --scenarios latency-q0 --latency-warmup "$warmup" --duration 60 "${args[@]}" >"$log" 2>&1 &
bench=$!
# On an early exit stop the benchmark and the brokers it started (it stops them itself only when it
# runs to its end)
stop_all() {
  kill "$bench" 2>/dev/null || true
  for pid in $(sed -n 's/.* pid \([0-9]*\) port .*/\1/p' "$log"); do kill "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT

# Every broker logs "run 1 NAME pid PID port ..." when started; the latency slices begin after the
# last broker's warm-up (one after the other), so wait for those lines, then for the warm-ups.
while kill -0 "$bench" 2>/dev/null && ! grep -q "bench: " "$log"; do sleep 1; done
brokers=$(sed -n 's/.*run(s) x \[\([^]]*\)\] x.*/\1/p' "$log" | head -1 | tr -d ' ' | tr ',' ' ')
count=$(wc -w <<<"$brokers")
while kill -0 "$bench" 2>/dev/null && [[ $(grep -c " pid [0-9]* port " "$log") -lt $count ]]; do sleep 1; done
sleep $((count * (warmup + 1) + 5))
kill -0 "$bench" 2>/dev/null || { cat "$log"; echo "the benchmark ended before tracing" >&2; exit 1; }

# The busiest thread of each broker whose name is an I/O thread's: MQTTee's mqttee-io-*, the floor's
# multiThreadIo*, Mosquitto's only thread.
tids=()
labels=()
while read -r name pid; do
  best=""
  most=-1
  for task in /proc/"$pid"/task/*; do
    case $(cat "$task/comm" 2>/dev/null) in mqttee-io* | multiThreadIo* | mosquitto) ;; *) continue ;; esac
    ticks=$(awk '{print $14 + $15}' "$task/stat" 2>/dev/null || echo -1)
    if ((ticks > most)); then best=${task##*/}; most=$ticks; fi
  done
  if [[ -n $best ]]; then tids+=("$best"); labels+=("$name=$best"); else echo "no I/O thread found for $name (pid $pid)"; fi
done < <(sed -n 's/.*run 1 \([a-z0-9-]*\) pid \([0-9]*\) port .*/\1 \2/p' "$log")
[[ ${#tids[@]} -gt 0 ]] || { echo "no thread to trace" >&2; exit 1; }
echo "tracing ${labels[*]} for $record s"
perf record -q -e raw_syscalls:sys_enter,raw_syscalls:sys_exit -t "$(IFS=,; echo "${tids[*]}")" \
  -o "$out/turn.data" -- sleep "$record" >/dev/null 2>&1
report=$(perf script --ns -i "$out/turn.data" -F tid,time,event,trace 2>/dev/null | python3 bench/turn.py)
wait "$bench" || true
trap - EXIT
for label in "${labels[@]}"; do
  grep "^tid ${label#*=}:" <<<"$report" | sed "s/^tid ${label#*=}:/${label%=*} (tid ${label#*=}):/"
done
echo "(the benchmark's log: $log)"
