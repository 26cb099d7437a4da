# SPDX-License-Identifier: GPL-3.0-or-later
"""measure.py: runs a command RUNS times and prints, tab-separated: NAME, median wall time (ms), median CPU
time (user + system, ms), median peak RSS (KiB), RUNS and the exit codes seen.

Wall and CPU time come from wait4(2) on a direct child. Peak RSS comes from a second pass under GNU time
(-f %M): Linux keeps a process's RSS high-water mark across execve, so a child forked from this Python
process would report Python's own memory; GNU time is a small launcher.

Usage: python3 measure.py NAME RUNS COMMAND [ARGS...]
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed_run(argv):
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = (time.perf_counter() - start) * 1000
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, os.waitstatus_to_exitcode(status)


def peak_rss(argv):
    with tempfile.NamedTemporaryFile("r") as out:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", out.name, *argv],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return int(out.read().split()[-1])


def main():
    name, runs, argv = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    timed = [timed_run(argv) for _ in range(runs)]
    rss = [peak_rss(argv) for _ in range(runs)]
    wall = statistics.median(t[0] for t in timed)
    cpu = statistics.median(t[1] for t in timed)
    codes = ",".join(str(c) for c in sorted({t[2] for t in timed}))
    print(f"{name}\t{wall:.1f}\t{cpu:.1f}\t{statistics.median(rss):.0f}\t{runs}\t{codes}")


if __name__ == "__main__":
    main()
