# SPDX-License-Identifier: GPL-3.0-or-later
"""measure.py: runs a command RUNS times and prints, tab-separated: NAME, median and maximum wall time (ms),
median and maximum CPU time (user + system, ms), median and maximum peak RSS (KiB), RUNS, the exit codes
seen, and the median time (ms) from the last reply landing in Redis to the command's exit ("-" without
--sim-log).

Wall and CPU time come from wait4(2) on a direct child. Peak RSS comes from a second pass under GNU time
(-f %M): Linux keeps a process's RSS high-water mark across execve, so a child forked from this Python
process would report Python's own memory; GNU time is a small launcher. With --sim-log FILE (the output
of bench/fleet_sim, whose "replied N AT" lines say when Redis took each round's last reply), each timed run
also gives its exit time minus the last AT written during it.

Usage: python3 measure.py [--sim-log FILE] NAME RUNS COMMAND [ARGS...]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def last_reply(log, offset):
    """The latest AT of the "replied N AT" lines written to log after offset, or None."""
    with open(log) as f:
        f.seek(offset)
        times = [float(line.split()[2]) for line in f if line.startswith("replied ")]
    return max(times) if times else None


def timed_run(argv, log):
    offset = os.path.getsize(log) if log else 0
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    ended = time.time()
    wall = (time.perf_counter() - start) * 1000
    landed = None
    if log:
        time.sleep(0.02)  # the simulator prints once Redis has taken the round: let it
        at = last_reply(log, offset)
        landed = (ended - at) * 1000 if at is not None else None
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status), landed


def peak_rss(argv):
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return int(out.read().split()[-1])


def main():
    args = sys.argv[1:]
    log = None
    if args[0] == "--sim-log":
        log, args = args[1], args[2:]
    name, runs, argv = args[0], int(args[1]), args[2:]
    timed = [timed_run(argv, log) for _ in range(runs)]
    rss = [peak_rss(argv) for _ in range(runs)]
    wall = [t[0] for t in timed]
    cpu = [t[1] for t in timed]
    landed = [t[3] for t in timed if t[3] is not None]
    codes = ",".join(str(c) for c in sorted({t[2] for t in timed}))
    after = f"{statistics.median(landed):.1f}" if landed else "-"
    print(f"{name}\t{statistics.median(wall):.1f}\t{max(wall):.1f}\t{statistics.median(cpu):.1f}\t{max(cpu):.1f}"
          f"\t{statistics.median(rss):.0f}\t{max(rss)}\t{runs}\t{codes}\t{after}")


if __name__ == "__main__":
    main()
