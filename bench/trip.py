#!/usr/bin/env python3
"""Splits each latency message's trip into its stretches, from system-call tracepoints of the
generator's event-loop threads and the brokers' I/O threads (one clock for all).

At 1,000 msg/s one message is in flight at a time: the generator writes a PUBLISH, a broker wakes
from epoll_wait, reads, writes the PUBLISH to the subscriber, and the generator wakes and reads
it. Per message and per broker (the one that woke):

    send           the generator's write system call
    send->b_wake   until the broker returns from epoll_wait (loopback, the broker's wake-up)
    b_wake->b_write  the broker's turn up to its write (bench/turn.py splits it further)
    b_write        the broker's write system call
    b_write->g_wake  until the generator returns from epoll_wait (loopback, its wake-up)
    g_wake->g_read   until the generator's read
    send->g_read   the whole trip, system call to system call

Record during a latency scenario (bench/run.sh --scenarios latency-q0 ...), then:

    perf record -e raw_syscalls:sys_enter,raw_syscalls:sys_exit -t BROKER_TIDS,GENERATOR_TIDS -o trip.data -- sleep 20
    perf script --ns -i trip.data -F tid,time,event,trace | bench/trip.py GENERATOR_TIDS

GENERATOR_TIDS: the generator's threads named multiThreadIo* (comma-separated). Tracing adds
1-2 us to every system call, so a broker making more of them per message (Mosquitto 10, MQTTee 2)
is slowed more: compare the stretches that do not hold the broker's calls (the wake-ups).
"""
import sys
from collections import defaultdict

from turn import EPOLL, LINE, READ, WRITE, pct  # the same system calls and perf line as bench/turn.py


def woke(kind, nr, ret):
    return kind == "exit" and nr in EPOLL and ret is not None and ret > 0


def main():
    generator = {int(t) for t in sys.argv[1].split(",")}
    events = []
    for line in sys.stdin:
        m = LINE.match(line)
        if m:
            ret = None if m[5] is None else int(m[5])
            events.append((float(m[2]) * 1e6, int(m[1]), m[3], int(m[4]), ret))
    events.sort()  # perf script groups by CPU, not by time
    spans = defaultdict(lambda: defaultdict(list))  # broker tid -> stretch -> microseconds
    trip = None
    for t, tid, kind, nr, ret in events:
        if tid in generator:
            if kind == "enter" and nr in WRITE and (trip is None or "b_wake" not in trip):
                trip = {"send": t}  # a new message (a write before any broker woke replaces the last)
            elif trip is None:
                continue
            elif kind == "exit" and nr in WRITE and "send_out" not in trip:
                trip["send_out"] = t
            elif "b_wout" in trip and woke(kind, nr, ret) and "g_wake" not in trip:
                trip["g_wake"] = t
            elif "g_wake" in trip and kind == "enter" and nr in READ:
                s = spans[trip["broker"]]
                s["send"].append(trip["send_out"] - trip["send"])
                s["send->b_wake"].append(trip["b_wake"] - trip["send"])
                s["b_wake->b_write"].append(trip["b_win"] - trip["b_wake"])
                s["b_write"].append(trip["b_wout"] - trip["b_win"])
                s["b_write->g_wake"].append(trip["g_wake"] - trip["b_win"])
                s["g_wake->g_read"].append(t - trip["g_wake"])
                s["send->g_read"].append(t - trip["send"])
                trip = None
        elif trip is not None:  # a broker
            if woke(kind, nr, ret) and "b_wake" not in trip:
                trip["b_wake"] = t
                trip["broker"] = tid
            elif trip.get("broker") == tid and kind == "enter" and nr in WRITE and "b_win" not in trip:
                trip["b_win"] = t
            elif trip.get("broker") == tid and kind == "exit" and nr in WRITE and "b_win" in trip and "b_wout" not in trip:
                trip["b_wout"] = t
    for broker, s in sorted(spans.items()):
        figures = ", ".join(f"{k} {pct(v, 50):.1f} ({pct(v, 90):.1f})" for k, v in s.items())
        print(f"broker tid {broker}: {len(s['send->g_read'])} messages; p50 (p90) us: {figures}")


if __name__ == "__main__":
    main()
