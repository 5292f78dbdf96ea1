#!/usr/bin/python3
"""Checks that a mail system started by contrib/mailsys.sh behaves as skua's
tests expect: TLS, refusals, SPECIAL-USE folders, delivery end to end.

usage: selftest.py DIR/env [--big]   (--big also sends a 10 MB attachment)
"""
import imaplib
import os
import re
import smtplib
import ssl
import sys
import time
import uuid
from email.message import EmailMessage

failures = []


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name + (f": {detail}" if detail and not cond else ""))
    if not cond:
        failures.append(name)


def load_env(path):
    env = {}
    with open(path) as f:
        for line in f:
            m = re.match(r'^(MAILSYS_\w+)="(.*)"$', line.strip())
            if m:
                env[m.group(1)] = m.group(2)
    return env


def tls_ctx(ca, check_hostname=True):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.check_hostname = check_hostname
    return ctx


def imap_checks(e, host, ca):
    users = e["MAILSYS_USERS"].split()
    port, sport = int(e["MAILSYS_IMAP_PORT"]), int(e["MAILSYS_IMAPS_PORT"])

    m = imaplib.IMAP4(host, port)
    caps = m.capabilities
    check("imap: STARTTLS offered", "STARTTLS" in caps, caps)
    check("imap: LOGINDISABLED before STARTTLS", "LOGINDISABLED" in caps, caps)
    try:
        m.login(users[0], e["MAILSYS_PASS_" + users[0].split("@")[0]])
        check("imap: LOGIN before STARTTLS refused", False, "login succeeded")
    except imaplib.IMAP4.error:
        check("imap: LOGIN before STARTTLS refused", True)
    m.shutdown()

    for u in users:
        pw = e["MAILSYS_PASS_" + u.split("@")[0]]
        m = imaplib.IMAP4(host, port)
        m.starttls(tls_ctx(ca))
        m.login(u, pw)
        typ, caps = m.capability()
        caps = caps[0].decode()
        for c in ("CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "IDLE", "SPECIAL-USE"):
            check(f"imap starttls {u}: capability {c}", c in caps.split(), caps)
        typ, lines = m.list()
        listing = b"\n".join(lines).decode()
        for flag in ("\\Sent", "\\Trash", "\\Drafts", "\\Junk"):
            check(f"imap starttls {u}: LIST has {flag}", flag in listing, listing)
        m.logout()

        m = imaplib.IMAP4_SSL(host, sport, ssl_context=tls_ctx(ca))
        m.login(u, pw)
        typ, data = m.select("INBOX")
        check(f"imaps {u}: login and SELECT", typ == "OK", data)
        m.logout()

    m = imaplib.IMAP4_SSL(host, sport, ssl_context=tls_ctx(ca))
    try:
        m.login(users[0], "wrong")
        check("imaps: wrong password refused", False)
    except imaplib.IMAP4.error:
        check("imaps: wrong password refused", True)
    m.shutdown()

    carol = e.get("MAILSYS_NONSTD_USER")
    if carol:
        m = imaplib.IMAP4_SSL(host, sport, ssl_context=tls_ctx(ca))
        m.login(carol, e["MAILSYS_PASS_" + carol.split("@")[0]])
        listing = b"\n".join(m.list()[1]).decode()
        check("carol: 'Sent Items' and 'Deleted Items' exist",
              '"Sent Items"' in listing and '"Deleted Items"' in listing, listing)
        check("carol: no SPECIAL-USE flags", not re.search(r"\\(Sent|Trash|Drafts|Junk)\b", listing), listing)
        m.logout()

    for name, kw, ok_expected in (
        ("imaps to 127.0.0.2: name mismatch refused", dict(ca=ca, host=e["MAILSYS_MISMATCH_HOST"]), False),
        ("imaps with other CA: unknown issuer refused", dict(ca=e["MAILSYS_OTHER_CA"], host=host), False),
    ):
        try:
            m = imaplib.IMAP4_SSL(kw["host"], sport, ssl_context=tls_ctx(kw["ca"]))
            m.logout()
            check(name, ok_expected)
        except ssl.SSLCertVerificationError as ex:
            check(name, not ok_expected, str(ex))


def smtp_checks(e, host, ca, big):
    users = e["MAILSYS_USERS"].split()
    alice, bob = users[0], users[1]
    apw = e["MAILSYS_PASS_" + alice.split("@")[0]]
    bpw = e["MAILSYS_PASS_" + bob.split("@")[0]]
    tokens = []

    s = smtplib.SMTP(host, int(e["MAILSYS_SUBMISSION_PORT"]))
    s.ehlo("selftest")
    check("submission: STARTTLS offered", s.has_extn("starttls"))
    check("submission: no AUTH before STARTTLS", not s.has_extn("auth"), s.esmtp_features.get("auth"))
    code, _ = s.mail(alice)
    code, msg = s.rcpt(bob)
    check("submission: mail refused before STARTTLS", code >= 500, f"{code} {msg}")
    s.rset()
    s.starttls(context=tls_ctx(ca))
    s.ehlo("selftest")
    check("submission: AUTH after STARTTLS", s.has_extn("auth"), s.esmtp_features)
    code, msg = s.mail(alice)
    code, msg = s.rcpt(bob)
    check("submission: RCPT without AUTH refused", code >= 500, f"{code} {msg}")
    s.rset()
    s.login(alice, apw)
    s.mail(alice)
    code, msg = s.rcpt("someone@example.net")
    check("submission: relay to other domain refused", code >= 500, f"{code} {msg}")
    s.rset()
    s.mail(alice)
    code, msg = s.rcpt("nobody@example.org")
    check("submission: unknown local user refused", code >= 500, f"{code} {msg}")
    s.rset()
    tok = uuid.uuid4().hex
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = alice, bob, f"selftest submission {tok}"
    msg.set_content("sent over submission with STARTTLS\n")
    s.send_message(msg)
    tokens.append(tok)
    s.quit()

    s = smtplib.SMTP_SSL(host, int(e["MAILSYS_SMTPS_PORT"]), context=tls_ctx(ca))
    s.login(bob, bpw)
    tok = uuid.uuid4().hex
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = bob, bob, f"selftest smtps {tok}"
    msg.set_content("sent over SMTPS\n")
    if big:
        msg.add_attachment(os.urandom(10 * 1024 * 1024), maintype="application",
                           subtype="octet-stream", filename="big.bin")
    s.send_message(msg)
    tokens.append(tok)
    s.quit()

    s = smtplib.SMTP(host, int(e["MAILSYS_SMTP_NOTLS_PORT"]))
    s.ehlo("selftest")
    check("no-TLS port: no STARTTLS offered", not s.has_extn("starttls"), s.esmtp_features)
    s.quit()

    deadline = time.time() + 30
    m = imaplib.IMAP4_SSL(host, int(e["MAILSYS_IMAPS_PORT"]), ssl_context=tls_ctx(ca))
    m.login(bob, bpw)
    missing = list(tokens)
    while missing and time.time() < deadline:
        m.select("INBOX", readonly=True)
        missing = [t for t in missing if not m.search(None, "SUBJECT", t)[1][0]]
        if missing:
            time.sleep(0.3)
    check("delivery: both messages in bob's INBOX", not missing, f"missing {missing}")
    if big and not missing:
        typ, data = m.search(None, "SUBJECT", tokens[1])
        typ, data = m.fetch(data[0].split()[-1], "(RFC822.SIZE)")
        size = int(re.search(rb"RFC822.SIZE (\d+)", data[0]).group(1))
        check("delivery: 10 MB attachment arrived whole", size > 14_000_000, size)
    m.logout()


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    e = load_env(sys.argv[1])
    host, ca = e["MAILSYS_HOST"], e["MAILSYS_CA"]
    imap_checks(e, host, ca)
    smtp_checks(e, host, ca, "--big" in sys.argv[2:])
    print(f"{len(failures)} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
