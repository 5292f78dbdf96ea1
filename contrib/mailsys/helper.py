#!/usr/bin/python3
"""Small jobs of contrib/mailsys.sh that are awkward in shell: choosing free
ports, waiting until services answer, and finding an instance's processes."""
import argparse
import os
import random
import socket
import ssl
import sys
import time


def has_ipv6():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def port_free(port, addrs):
    for a in addrs:
        fam = socket.AF_INET6 if ":" in a else socket.AF_INET
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            try:
                s.bind((a, port))
            except OSError:
                return False
    return True


def cmd_ports(args):
    # Below the kernel's ephemeral range (32768+), so outgoing connections made
    # between choosing and binding cannot take a chosen port.  Collisions with
    # a parallel start are caught when a server fails to bind, and retried.
    rnd = random.SystemRandom()
    chosen = []
    tries = 0
    while len(chosen) < args.count:
        tries += 1
        if tries > 5000:
            sys.exit("helper: no free ports found")
        p = rnd.randrange(20000, 32000)
        if p not in chosen and port_free(p, args.addr):
            chosen.append(p)
    print(" ".join(map(str, chosen)))


def recv_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        c = s.recv(1024)
        if not c:
            raise OSError("connection closed before greeting")
        buf += c
    return buf.decode("ascii", "replace")


def check(spec, ca):
    kind, _, rest = spec.partition(",")
    if kind in ("lmtp", "unix"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(3)
        try:
            s.connect(rest)
            if kind == "lmtp" and not recv_line(s).startswith("220"):
                raise OSError("unexpected LMTP greeting")
        finally:
            s.close()
        return
    host, _, port = rest.rpartition(",")
    s = socket.create_connection((host, int(port)), timeout=3)
    try:
        if kind in ("imaps", "smtps"):
            ctx = ssl.create_default_context(cafile=ca)
            # 127.0.0.2 is the name-mismatch address: check the chain only.
            ctx.check_hostname = host != "127.0.0.2"
            s = ctx.wrap_socket(s, server_hostname="localhost" if host == "127.0.0.2" else host)
        want = "* OK" if kind.startswith("imap") else "220"
        line = recv_line(s)
        if not line.startswith(want):
            raise OSError(f"unexpected greeting {line.strip()!r}")
    finally:
        s.close()


def cmd_wait(args):
    deadline = time.monotonic() + args.timeout
    pending = list(args.spec)
    errors = {}
    while pending:
        still = []
        for spec in pending:
            try:
                check(spec, args.ca)
            except (OSError, ssl.SSLError) as e:
                errors[spec] = str(e)
                still.append(spec)
        pending = still
        if not pending:
            break
        if time.monotonic() > deadline:
            for spec in pending:
                print(f"helper: {spec} not ready: {errors[spec]}", file=sys.stderr)
            sys.exit(1)
        time.sleep(0.2)


def read(path, mode="r"):
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError:
        return None


def under(path, d):
    return path is not None and (path == d or path.startswith(d + "/"))


def readlink(path):
    try:
        return os.readlink(path)
    except OSError:
        return None


def instance_procs(d):
    """Processes of the mail system in directory d: server binaries whose
    command line, Postfix MAIL_CONFIG, working directory or root is in d."""
    d = d.rstrip("/")
    me = set()
    p = os.getpid()
    while p > 1:  # never report ourselves or the shell that called us
        me.add(p)
        stat = read(f"/proc/{p}/stat")
        if stat is None:
            break
        p = int(stat.rsplit(")", 1)[1].split()[1])
    found = []
    children = {}
    for name in os.listdir("/proc"):
        stat = read(f"/proc/{name}/stat") if name.isdigit() else None
        if stat:
            children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(name))
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) in me:
            continue
        base = f"/proc/{name}"
        exe = readlink(f"{base}/exe") or ""
        exe = exe.removesuffix(" (deleted)")
        raw = read(f"{base}/cmdline", "rb") or b""
        argv = raw.decode("utf-8", "replace").split("\0")
        cmd = " ".join(argv)
        server = (exe == "/usr/sbin/dovecot" or exe.startswith("/usr/lib/dovecot/")
                  or exe.startswith("/usr/lib/postfix/") or os.path.basename(exe) == "doveadm")
        relay = os.path.basename(exe).startswith("python3") and any(a.endswith("/relay.py") for a in argv)
        if not (server or relay):
            continue
        env = (read(f"{base}/environ", "rb") or b"").split(b"\0")
        mine = (f" {d}/" in f" {cmd}" or f"={d}/" in cmd or f" {d} " in f" {cmd} "
                or f"MAIL_CONFIG={d}/postfix".encode() in env
                or under(readlink(f"{base}/cwd"), d) or under(readlink(f"{base}/root"), d))
        if mine:
            found.append((int(name), os.path.basename(exe), cmd.strip()))
    # Children of the masters (such as imap, which runs in "/" when the user
    # has no home yet) carry no trace of d; their parent does.
    seen = {pid for pid, _, _ in found}
    todo = list(seen)
    while todo:
        for kid in children.get(todo.pop(), []):
            if kid not in seen and kid not in me:
                seen.add(kid)
                todo.append(kid)
                exe = (readlink(f"/proc/{kid}/exe") or "?").removesuffix(" (deleted)")
                raw = read(f"/proc/{kid}/cmdline", "rb") or b""
                found.append((kid, os.path.basename(exe), raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()))
    return found


def cmd_procs(args):
    for pid, exe, cmd in instance_procs(os.path.realpath(args.dir)):
        print(pid, exe, cmd if args.long else "")


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("ports")
    p.add_argument("count", type=int)
    p.add_argument("addr", nargs="+")
    p.set_defaults(fn=cmd_ports)
    p = sub.add_parser("has-ipv6")
    p.set_defaults(fn=lambda a: sys.exit(0 if has_ipv6() else 1))
    p = sub.add_parser("wait")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--ca", required=True)
    p.add_argument("spec", nargs="+", help="imap|imaps|smtp|smtps,HOST,PORT or lmtp|unix,PATH")
    p.set_defaults(fn=cmd_wait)
    p = sub.add_parser("procs")
    p.add_argument("--long", action="store_true")
    p.add_argument("dir")
    p.set_defaults(fn=cmd_procs)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
