#!/usr/bin/env python3
"""What else ran on the cores while the slow latency samples were in flight.

Joins the generator's latency trace (BENCH_TRACE) with the scheduler's context switches recorded on
both cores, and names, for every sample at or above --min-us, the thread other than the broker's
I/O thread (and the generator) that ran longest during that sample's flight; the same for the
samples around the median, as a baseline. Recipe (docs/benchmarks.md, "The tails attributed"):

  BENCH_TRACE=/tmp/trace.txt bench/run.sh --runs 1 --brokers mqttee --scenarios latency-q0 &
  # once the measured window has started:
  perf record -k CLOCK_MONOTONIC -e sched:sched_switch -a -o /tmp/sw.data -- sleep 20
  perf script -i /tmp/sw.data -F cpu,time,trace > /tmp/sw.txt
  bench/tails.py --sched /tmp/sw.txt --trace /tmp/trace.txt --min-us 200 --io-thread mqttee-io

The trace's send times come from System.nanoTime(), which is CLOCK_MONOTONIC on Linux; perf must
record with the same clock (-k CLOCK_MONOTONIC) for the two to line up.
"""
import argparse
import bisect
import collections
import re

SWITCH = re.compile(r'\[(\d+)\]\s*([\d.]+): prev_comm=(.*?) prev_pid=\d+ .*==> next_comm=(.*?) next_pid=\d+')


def run_intervals(path):
    """Per core: (start us, end us, thread name) for every stretch one thread ran."""
    intervals, last = collections.defaultdict(list), {}
    with open(path) as f:
        for line in f:
            m = SWITCH.match(line)
            if not m:
                continue
            cpu, t = int(m.group(1)), float(m.group(2)) * 1e6
            if cpu in last:
                intervals[cpu].append((last[cpu][0], t, last[cpu][1]))
            last[cpu] = (t, m.group(4))
    return intervals


def time_by_thread(intervals, starts, a, b):
    """Microseconds each thread ran on one core between a and b."""
    ran = collections.Counter()
    i = max(0, bisect.bisect_right(starts, a) - 1)
    while i < len(intervals) and intervals[i][0] < b:
        lo, hi = max(a, intervals[i][0]), min(b, intervals[i][1])
        if hi > lo:
            ran[intervals[i][2]] += hi - lo
        i += 1
    return ran


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--sched', required=True, help='perf script -F cpu,time,trace output of sched:sched_switch')
    p.add_argument('--trace', required=True, help='BENCH_TRACE file: send time us, latency us, publisher, subscriber')
    p.add_argument('--min-us', type=int, required=True, help='a sample this slow or slower is a tail sample')
    p.add_argument('--io-thread', required=True, help="name prefix of the broker's I/O thread(s), e.g. mqttee-io")
    p.add_argument('--generator', default='multiThreadIoEv', help="name prefix of the generator's event loop")
    p.add_argument('--at-least-us', type=int, default=15, help='ignore other threads that ran less than this')
    a = p.parse_args()

    intervals = run_intervals(a.sched)
    starts = {cpu: [x[0] for x in iv] for cpu, iv in intervals.items()}
    t0 = max(iv[0][0] for iv in intervals.values())
    t1 = min(iv[-1][1] for iv in intervals.values())
    with open(a.trace) as f:
        samples = [tuple(map(int, line.split())) for line in f if line.strip()]
    samples = [s for s in samples if s[0] >= t0 and s[0] + s[1] <= t1]
    if not samples:
        raise SystemExit('no latency sample lies inside the recorded switches (same clock? same time?)')
    lat = sorted(s[1] for s in samples)
    n = len(lat)
    print('samples %d, p50 %d us, p90 %d, p99 %d, p99.9 %d' % (
        n, lat[n // 2], lat[int(n * .9)], lat[int(n * .99)], lat[int(n * .999)]))

    def own(name):
        return name.startswith(('swapper', a.io_thread, a.generator))

    median = lat[n // 2]
    for label, chosen in (('at or above %d us' % a.min_us, lambda s: s[1] >= a.min_us),
                          ('within 5 us of the median', lambda s: abs(s[1] - median) <= 5)):
        culprits, count, io_us, flight_us = collections.Counter(), 0, 0.0, 0.0
        for send, latency, _, _ in samples:
            if not chosen((send, latency)):
                continue
            count += 1
            flight_us += latency
            others = []
            for cpu, iv in intervals.items():
                ran = time_by_thread(iv, starts[cpu], send, send + latency)
                io_us += sum(v for k, v in ran.items() if k.startswith(a.io_thread))
                others += [(v, 'core %d: %s' % (cpu, k)) for k, v in ran.items() if not own(k)]
            top = max(others, default=(0, ''))
            culprits[top[1] if top[0] >= a.at_least_us else 'nothing else ran >= %d us' % a.at_least_us] += 1
        print('\n%d samples %s; the I/O thread ran %.1f us of each %.1f us flight on average; longest other thread:'
              % (count, label, io_us / max(count, 1), flight_us / max(count, 1)))
        for name, k in culprits.most_common(12):
            print('  %5d  %s' % (k, name))


if __name__ == '__main__':
    main()
