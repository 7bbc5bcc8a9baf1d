#!/usr/bin/env python3
"""Times a broker's turn per message from system-call tracepoints: epoll wake-up -> read -> write.

At 1,000 msg/s every message is one turn of the broker's I/O thread: it wakes from epoll_wait,
reads the PUBLISH, and writes it to the subscriber. The stretch from the read's return to the
write's entry is the broker's own code, the part a change to it can move; measured per message it
is far less noisy than the end-to-end latency (which adds two wake-ups and the generator).

    perf record -e raw_syscalls:sys_enter,raw_syscalls:sys_exit -t TID[,TID...] -o turn.data -- sleep 10
    perf script --ns -i turn.data -F tid,time,event,trace | bench/turn.py

bench/trace-turns.sh does all of it for a latency run of the brokers it is given.

TIDs: the I/O threads, from /proc/<broker pid>/task/*/comm (MQTTee: mqttee-io-*; Mosquitto has one
thread). Tracing adds 1-2 us to every system call: compare brokers by the same recipe only (and
mind the count: besides epoll_wait, Mosquitto makes 10 system calls per message, MQTTee 2).

Spans per turn: wake->read, the first read, read->write (the broker's own code), wake->write, the
first write (the kernel's loopback delivery and the receiver's wake-up), write->epoll (what the
thread does before it sleeps again) and the number of system calls between two epoll_waits.
"""
import re
import sys
from collections import defaultdict

EPOLL = {232, 281, 441}  # epoll_wait, epoll_pwait, epoll_pwait2
READ = {0, 17, 19, 45}  # read, pread64, readv, recvfrom
WRITE = {1, 18, 20, 44, 46}  # write, pwrite64, writev, sendto, sendmsg

LINE = re.compile(r"^\s*(\d+)\s+([\d.]+):\s+raw_syscalls:sys_(enter|exit):\s+NR (\d+)(?: = (-?\d+))?")


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))] if s else float("nan")


def main():
    state = {}
    spans = defaultdict(lambda: defaultdict(list))  # tid -> name -> microseconds
    for line in sys.stdin:
        m = LINE.match(line)
        if not m:
            continue
        tid, t, kind, nr = int(m[1]), float(m[2]) * 1e6, m[3], int(m[4])
        st = state.setdefault(tid, {})
        if kind == "exit" and nr in EPOLL and m[5] is not None and int(m[5]) > 0:
            state[tid] = {"wake": t, "calls": 0}
            continue
        if "wake" not in st or "done" in st:
            continue
        if kind == "enter":
            st["calls"] += 1
        if kind == "enter" and nr in READ and "read_in" not in st:
            st["read_in"] = t
        elif kind == "exit" and nr in READ and "read_out" not in st and "read_in" in st:
            st["read_out"] = t
        elif kind == "enter" and nr in WRITE and "read_out" in st and "write_in" not in st:
            st["write_in"] = t
        elif kind == "exit" and nr in WRITE and "write_in" in st and "write_out" not in st:
            st["write_out"] = t
        elif kind == "enter" and nr in EPOLL and "write_out" in st:
            st["done"] = True
            s = spans[tid]
            s["wake->read"].append(st["read_in"] - st["wake"])
            s["read"].append(st["read_out"] - st["read_in"])
            s["read->write"].append(st["write_in"] - st["read_out"])
            s["wake->write"].append(st["write_in"] - st["wake"])
            s["write"].append(st["write_out"] - st["write_in"])
            s["write->epoll"].append(t - st["write_out"])
            s["syscalls"].append(st["calls"] - 1)  # not counting this epoll_wait
    for tid, s in sorted(spans.items()):
        n = len(s["wake->write"])
        figures = ", ".join(f"{k} {pct(v, 50):.1f}/{pct(v, 90):.1f}" for k, v in s.items())
        print(f"tid {tid}: {n} turns; p50/p90 us: {figures}")


if __name__ == "__main__":
    main()
