#!/usr/bin/python3
"""Runs one client once and prints what it cost: wall time, peak RSS, exit
status. The benchmarks' stopwatch, so that every client is timed alike.

  measure.py run [--out FILE] -- CMD...
      From the fork to the exit; standard output to FILE (default /dev/null).
  measure.py pty [--marker TEXT] [--quiet S] [--quit KEYS] [--log FILE] -- CMD...
      CMD on a terminal of its own (a pseudo-terminal, 120x40): the time to a
      drawn screen is when the output that first holds TEXT ends, that is
      when the program stops writing for S seconds (default 0.5) after TEXT
      was written; then KEYS are typed (default q) and the exit is awaited.

Prints key=value pairs on one line: wall_ms (fork to exit), drawn_ms (pty
only), maxrss_kb (the child's peak resident set), rc.
"""
import argparse
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time


def exit_code(status):
    return os.waitstatus_to_exitcode(status)


def run(args):
    out = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.dup2(out, 1)
        try:
            os.execvp(args.cmd[0], args.cmd)
        finally:
            os._exit(127)
    os.close(out)
    # A blocking wait: the stopwatch ends when the child does.
    _, status, ru = os.wait4(pid, 0)
    t1 = time.monotonic()
    print(f"wall_ms={(t1 - t0) * 1e3:.1f} maxrss_kb={ru.ru_maxrss} rc={exit_code(status)}")


def pty_run(args):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    log = open(args.log, "wb") if args.log else None
    marker = args.marker.encode()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        try:
            os.execvp(args.cmd[0], args.cmd)
        finally:
            os._exit(127)
    os.close(slave)
    seen = b""          # the output so far, for the marker (its tail only)
    marked = None       # when the marker was first written
    last = t0           # when the latest output arrived
    deadline = t0 + args.timeout
    drawn = None
    while True:
        now = time.monotonic()
        if marked is not None and now - last >= args.quiet:
            drawn = last
            break
        if now > deadline:
            break
        wait = args.quiet - (now - last) if marked is not None else deadline - now
        r, _, _ = select.select([master], [], [], max(0.0, min(wait, 1.0)))
        if not r:
            continue
        try:
            data = os.read(master, 65536)
        except OSError:
            break  # the program ended (EIO on Linux)
        if not data:
            break
        last = time.monotonic()
        if log:
            log.write(data)
        if marked is None:
            seen = (seen + data)[-(len(marker) + 65536):]
            if marker in seen:
                marked = last
    if drawn is not None:
        os.write(master, args.quit.encode())
    # Keep reading so that the program never blocks on a full terminal.
    end = time.monotonic() + 30
    while time.monotonic() < end:
        got, status, ru = os.wait4(pid, os.WNOHANG)
        if got == pid:
            break
        r, _, _ = select.select([master], [], [], 0.01)
        if r:
            try:
                data = os.read(master, 65536)
                if log:
                    log.write(data)
            except OSError:
                pass
    else:
        os.kill(pid, signal.SIGKILL)
        _, status, ru = os.wait4(pid, 0)
    t1 = time.monotonic()
    os.close(master)
    if log:
        log.close()
    drawn_ms = f"{(drawn - t0) * 1e3:.1f}" if drawn is not None else "-"
    print(f"wall_ms={(t1 - t0) * 1e3:.1f} drawn_ms={drawn_ms} maxrss_kb={ru.ru_maxrss} "
          f"rc={exit_code(status)}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="mode", required=True)
    r = sub.add_parser("run")
    r.add_argument("--out", default=os.devnull)
    r.add_argument("cmd", nargs="+")
    p = sub.add_parser("pty")
    p.add_argument("--marker", required=True)
    p.add_argument("--quiet", type=float, default=0.5)
    p.add_argument("--quit", default="q")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--log")
    p.add_argument("cmd", nargs="+")
    args = ap.parse_args()
    (run if args.mode == "run" else pty_run)(args)


if __name__ == "__main__":
    main()
