#!/usr/bin/python3
"""Byte-for-byte TCP relay in front of Dovecot's STARTTLS port.

Dovecot treats a connection whose remote IP equals its local IP as secure and
then allows LOGIN before STARTTLS; every 127.0.0.1 -> 127.0.0.1 connection is
such a connection.  The relay connects to Dovecot from another loopback
address, so Dovecot sees a remote client and refuses plaintext logins as a
real server would.  TLS passes through untouched (STARTTLS happens end to end).
"""
import argparse
import os
import selectors
import socket
import sys
import threading

BUF = 256 * 1024


def parse_hostport(s):
    host, _, port = s.rpartition(":")
    return host.strip("[]"), int(port)


def pump(src, dst, done):
    clean = False
    try:
        while True:
            data = src.recv(BUF)
            if not data:
                clean = True
                break
            dst.sendall(data)
    except OSError:
        pass
    if clean:
        # Pass the half-close on so the other side sees EOF but can still answer.
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass
    else:
        # A reset or failed write: tear down both directions at once.
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
    done()


def serve(client, upstream, source):
    try:
        up = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        up.bind((source, 0))
        up.connect(upstream)
    except OSError as e:
        print(f"relay: cannot reach {upstream}: {e}", file=sys.stderr, flush=True)
        client.close()
        return
    for s in (client, up):
        # Interactive IMAP traffic must not wait for delayed ACKs.
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    left = [2]
    lock = threading.Lock()

    def done():
        with lock:
            left[0] -= 1
            if left[0] == 0:
                client.close()
                up.close()

    threading.Thread(target=pump, args=(client, up, done), daemon=True).start()
    threading.Thread(target=pump, args=(up, client, done), daemon=True).start()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True, help="mail system directory (identifies the instance)")
    ap.add_argument("--pidfile", required=True)
    ap.add_argument("--upstream", required=True, type=parse_hostport)
    ap.add_argument("--source", required=True, help="loopback address to connect from")
    ap.add_argument("--listen", required=True, action="append", type=parse_hostport)
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    for host, port in args.listen:
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            ls.bind((host, port))
        except OSError as e:
            sys.exit(f"relay: cannot listen on [{host}]:{port}: {e}")
        ls.listen(128)
        sel.register(ls, selectors.EVENT_READ)

    # Written only once every socket listens: the starter waits for it.
    tmp = args.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"{os.getpid()}\n")
    os.rename(tmp, args.pidfile)

    while True:
        for key, _ in sel.select():
            try:
                client, _ = key.fileobj.accept()
            except OSError:
                continue
            serve(client, args.upstream, args.source)


if __name__ == "__main__":
    main()
