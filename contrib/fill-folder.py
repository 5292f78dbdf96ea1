#!/usr/bin/python3
"""Fills a folder of the test mail system (contrib/mailsys.sh) with realistic
messages, fast: it writes maildir files straight into the user's maildir and
then has Dovecot assign UIDs and index them.

  fill-folder.py --env DIR/env --user alice@example.org --folder Big --count 100000 [--seed 1]
  fill-folder.py --env DIR/env --sample          (the demo set, into alice's INBOX)

The same seed gives the same messages (dates included: they end at --end-date).
"""
import argparse
import base64
import binascii
import calendar
import functools
import hashlib
import html
import io
import os
import random
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib

CODEC = {
    "us-ascii": "ascii", "utf-8": "utf-8", "iso-8859-1": "latin-1", "iso-8859-15": "iso8859_15",
    "windows-1252": "cp1252", "koi8-r": "koi8_r", "shift_jis": "shift_jis", "iso-2022-jp": "iso2022_jp",
}
Q_SAFE = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# ---------------------------------------------------------------- encoding

def _encoded_word(text, charset, enc):
    raw = text.encode(CODEC[charset])
    if enc == "B":
        payload = base64.b64encode(raw).decode()
    else:
        payload = "".join("_" if b == 0x20 else chr(b) if b in Q_SAFE else f"={b:02X}" for b in raw)
    return f"=?{charset.upper() if charset == 'utf-8' else charset}?{enc}?{payload}?="


def rfc2047(text, charset, enc="B"):
    """Encoded words for text, each at most 75 characters (RFC 2047 5), split
    between characters so a multibyte character is never cut in two."""
    if charset is None:
        return text.split(" ")
    words, chunk = [], ""
    for ch in text:
        if chunk and len(_encoded_word(chunk + ch, charset, enc)) > 75:
            words.append(_encoded_word(chunk, charset, enc))
            chunk = ch
        else:
            chunk += ch
    if chunk:
        words.append(_encoded_word(chunk, charset, enc))
    return words


def fold(name, tokens, sep=" "):
    """A header line folded before 78 columns at token boundaries."""
    lines, line = [], name + ":"
    for t in tokens:
        if len(line) + 1 + len(t) > 76 and line != name + ":":
            lines.append(line)
            line = " " + t
        else:
            line += sep + t if line != name + ":" else " " + t
    lines.append(line)
    return "\n".join(lines) + "\n"


@functools.lru_cache(maxsize=None)
def _mailbox(person):
    return tuple(mailbox_tokens(person))


def mailbox(person):
    """An address as it appears in From/To: encoded display name if needed."""
    return list(_mailbox(person))


def mailbox_tokens(person):
    name, addr, charset, enc = person
    if not name:
        return [addr]
    if charset:
        return rfc2047(name, charset, enc) + [f"<{addr}>"]
    if re.search(r'[()<>\[\]:;@\\,."]', name):
        return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"', f"<{addr}>"]
    return name.split(" ") + [f"<{addr}>"]


def address_header(name, people):
    tokens = []
    for i, p in enumerate(people):
        toks = mailbox(p)
        if i < len(people) - 1:
            toks[-1] += ","
        tokens.extend(toks)
    return fold(name, tokens)


def rfc5322_date(t, tz_minutes):
    tm = time.gmtime(t + tz_minutes * 60)
    sign = "+" if tz_minutes >= 0 else "-"
    off = abs(tz_minutes)
    return (f"{DAYS[tm.tm_wday]}, {tm.tm_mday} {MONTHS[tm.tm_mon - 1]} {tm.tm_year} "
            f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} {sign}{off // 60:02d}{off % 60:02d}")


def encode_body(text, charset, cte):
    raw = text.replace("\r", "").encode(CODEC[charset])
    if cte == "quoted-printable":
        body = binascii.b2a_qp(raw, istext=True)
    elif cte == "base64":
        body = base64.encodebytes(raw)
    else:
        body = raw
    return body if body.endswith(b"\n") else body + b"\n"


def text_part(text, charset, cte, subtype="plain", params=""):
    # Both spellings occur in the wild; vary them without touching any RNG.
    cs = charset.upper() if charset == "utf-8" and len(text) % 3 == 0 else charset
    head = f"Content-Type: text/{subtype}; charset=\"{cs}\"{params}\nContent-Transfer-Encoding: {cte}\n"
    return head.encode() + b"\n" + encode_body(text, charset, cte)


def multipart(subtype, parts, boundary, preamble=True):
    b = boundary.encode()
    out = [f"Content-Type: multipart/{subtype};\n\tboundary=\"{boundary}\"\n\n".encode()]
    if preamble:
        out.append(b"This is a multi-part message in MIME format.\n")
    for p in parts:
        out.append(b"\n--" + b + b"\n" + p)
    out.append(b"\n--" + b + b"--\n")
    return b"".join(out)


def attachment_part(ctype, filename_style, name, charset, data, disposition="attachment", cid=None):
    """A base64 part; filename_style is how the name is written: plain,
    rfc2231 (filename*=), rfc2231-cont (filename*0*=...), or rfc2047 (quoted
    encoded word, as many mail programs do)."""
    if filename_style == "plain":
        ct_name = f'; name="{name}"'
        cd_name = f'; filename="{name}"'
    elif filename_style == "rfc2047":
        ew = " ".join(rfc2047(name, charset, "B"))
        ct_name = f';\n\tname="{ew}"'
        cd_name = f';\n\tfilename="{ew}"'
    else:
        raw = name.encode(CODEC[charset])
        pct = "".join(chr(b) if (chr(b).isalnum() and b < 128) or chr(b) in "-._~" else f"%{b:02X}" for b in raw)
        if filename_style == "rfc2231":
            cd_name = f";\n\tfilename*={charset}''{pct}"
        else:
            pieces, i, n = [], 0, 0
            while i < len(pct):
                j = min(i + 40, len(pct))
                while "%" in pct[max(i, j - 2):j] and j < len(pct):  # keep %XX whole
                    j += 1
                pieces.append(f";\n\tfilename*{n}*={charset + chr(39) * 2 if n == 0 else ''}{pct[i:j]}")
                i, n = j, n + 1
            cd_name = "".join(pieces)
        ct_name = ""
    head = f"Content-Type: {ctype}{ct_name}\nContent-Transfer-Encoding: base64\n"
    if cid:
        head += f"Content-ID: <{cid}>\n"
    head += f"Content-Disposition: {disposition}{cd_name}\n"
    return head.encode() + b"\n" + base64.encodebytes(data)


# ---------------------------------------------------------------- content

PEOPLE = [
    ("Alice Martin", "alice@example.org", None, None),
    ("Bob Stone", "bob@example.org", None, None),
    ("Carol Baker", "carol@example.org", None, None),
    ("Dave Okafor", "dave@example.net", None, None),
    ("Erin Walsh", "erin.walsh@example.com", None, None),
    ("Frank Li", "frank+lists@example.com", None, None),
    ("Dr. Grace Hopper", "grace@example.edu", None, None),
    ("O'Brien, Pat", "pat.obrien@example.ie", None, None),
    ("", "noreply@example.com", None, None),
    ("Build Robot", "ci@builds.example.com", None, None),
    ("José Müller", "jose.mueller@example.de", "iso-8859-1", "Q"),
    ("Françoise Dupré", "f.dupre@example.fr", "iso-8859-1", "Q"),
    ("Benoît Cœur", "benoit@example.fr", "iso-8859-15", "Q"),
    ("Jürgen Weiß", "juergen@example.de", "iso-8859-15", "B"),
    ("Zoë O’Neil", "zoe@example.ie", "windows-1252", "Q"),
    ("Иван Петров", "ivan@example.ru", "koi8-r", "B"),
    ("Ольга Смирнова", "olga@example.ru", "koi8-r", "B"),
    ("山田太郎", "yamada@example.jp", "iso-2022-jp", "B"),
    ("佐藤花子", "sato@example.jp", "shift_jis", "B"),
    ("王小明", "wang@example.cn", "utf-8", "B"),
    ("Γιώργος Παπαδόπουλος", "giorgos@example.gr", "utf-8", "B"),
    ("Ana Lúcia Ribeiro", "ana@example.com.br", "utf-8", "Q"),
    ("Søren Kierkegaard", "soren@example.dk", "utf-8", "Q"),
]
LANG_PEOPLE = {"fr": [11, 12], "de": [10, 13], "ru": [15, 16], "ja": [17, 18], "zh": [19], "el": [20], "pt": [21]}

EN_SENTENCES = """\
Thanks for sending this over so quickly.
I had a look at the numbers and they mostly line up with what we expected.
Could you double-check the figures in the second table before Friday?
The meeting is moved to Thursday at 10:00 in the small conference room.
Let me know if that time does not work for you.
I have attached the latest draft; comments are welcome.
We still need a decision on the budget for the next quarter.
The build on the main branch has been failing since yesterday evening.
It looks like the failure comes from the new TLS test, not from the parser.
Sorry for the late reply, I was travelling most of last week.
Please find the minutes of yesterday's call below.
The venue has confirmed the booking for twenty people.
I think we can ship the release candidate once the last two bugs are fixed.
Can we keep the old behaviour behind an option for one more release?
The invoice is due at the end of the month.
I will be out of the office from Monday to Wednesday with limited access to email.
Here is a short summary of what changed since the last version.
The server was restarted at 03:12 and everything came back normally.
If you have questions about the new process, just reply to this message.
We should probably write this down in the documentation as well.
The customer asked whether the export can include attachments.
I ran the benchmark three times and the results were consistent.
Lunch is on me next time, I promise.
The train was late again, so I missed the first half of the talk.
Our next newsletter goes out on the first Monday of the month.
Attached are the photos from the offsite; the good ones are at the end.
Please do not reply to this automated message.
Your password will expire in 14 days unless you change it.
I agree with most of the proposal, with one exception about the timeline.
We could split the work into three smaller steps and review each one.""".split("\n")

LANG_TEXT = {
    "fr": """Merci pour votre message et pour les documents joints.
La réunion de l'équipe aura lieu mardi à 14 h dans la salle Hélène.
Pourriez-vous vérifier les chiffres du deuxième trimestre avant vendredi ?
Nous avons reçu la facture, elle sera réglée à la fin du mois.
Je serai absent la semaine prochaine ; Céline s'occupe des urgences.
Le déjeuner de Noël est prévu au café près de la gare.
Voici le compte rendu de la dernière réunion, avec les décisions prises.
Bonne journée et à très bientôt.""",
    "de": """Vielen Dank für Ihre schnelle Antwort.
Die Besprechung findet am Donnerstag um 10 Uhr im großen Saal statt.
Bitte prüfen Sie die Zahlen für das dritte Quartal bis Freitag.
Die Rechnung über 250 € ist Ende des Monats fällig.
Ich bin nächste Woche im Urlaub und lese meine E-Mails nur selten.
Anbei finden Sie das Protokoll der letzten Sitzung.
Die Straße vor dem Büro ist wegen Bauarbeiten gesperrt.
Mit freundlichen Grüßen aus München.""",
    "ru": """Спасибо за быстрый ответ.
Совещание переносится на четверг, на десять часов утра.
Пожалуйста, проверьте цифры за третий квартал до пятницы.
Отчёт за прошлый месяц приложен к этому письму.
На следующей неделе я в отпуске, пишите Ольге.
Сервер перезапустили ночью, всё работает нормально.
Хорошего дня и до встречи.""",
    "ja": """いつもお世話になっております。
来週の会議は木曜日の午前十時からに変更になりました。
第三四半期の数字を金曜日までにご確認ください。
先月の報告書を添付いたしますので、ご確認をお願いいたします。
来週は休暇のため、返信が遅れる場合がございます。
どうぞよろしくお願いいたします。""",
    "zh": """感谢您的快速回复。
下周的会议改到星期四上午十点。
请在星期五之前核对第三季度的数据。
上个月的报告已经附在邮件里了。
祝您工作顺利。""",
    "el": """Ευχαριστώ για τη γρήγορη απάντηση.
Η συνάντηση μεταφέρεται την Πέμπτη στις δέκα το πρωί.
Παρακαλώ ελέγξτε τα νούμερα του τρίτου τριμήνου μέχρι την Παρασκευή.
Καλή συνέχεια και τα λέμε σύντομα.""",
    "pt": """Obrigado pela resposta rápida.
A reunião foi transferida para quinta-feira às dez horas.
Você poderia conferir os números do terceiro trimestre até sexta?
Segue em anexo o relatório do mês passado.
Um abraço e até breve.""",
}
LANG_SUBJECTS = {
    "fr": [("Réunion de l'équipe : ordre du jour", "iso-8859-1", "Q"),
           ("Ça va ? Déjà la fin de l'année", "utf-8", "Q"),
           ("Compte rendu de la réunion du trimestre", "iso-8859-1", "B")],
    "de": [("Rechnung über 250 €", "iso-8859-15", "Q"),
           ("Grüße aus München", "iso-8859-1", "Q"),
           ("Straße gesperrt: Umleitung über die Hauptstraße", "utf-8", "Q")],
    "ru": [("Отчёт за квартал", "koi8-r", "B"), ("Привет! Как дела?", "koi8-r", "B"),
           ("Совещание в четверг", "utf-8", "B")],
    "ja": [("会議の議事録について", "iso-2022-jp", "B"), ("お見積もりのご依頼", "shift_jis", "B"),
           ("来週の予定の確認", "iso-2022-jp", "B")],
    "zh": [("关于下周的会议安排", "utf-8", "B"), ("季度报告", "utf-8", "B")],
    "el": [("Πρόσκληση σε συνάντηση", "utf-8", "B")],
    "pt": [("Feliz aniversário! 🎉", "utf-8", "Q"), ("Relatório do mês passado", "utf-8", "Q")],
    "en": [("“Smart quotes” and the ‘dash’ — explained", "windows-1252", "Q"),
           ("Œuvres complètes: the € edition", "iso-8859-15", "Q"),
           ("Smörgåsbord på fredag", "iso-8859-1", "B"),
           ("Ship it 🚀 release notes", "utf-8", "B")],
}
LANG_BODY = {  # charset and transfer encodings seen in the wild for each language
    "fr": [("iso-8859-1", "quoted-printable"), ("utf-8", "quoted-printable"), ("iso-8859-1", "8bit")],
    "de": [("iso-8859-15", "quoted-printable"), ("iso-8859-1", "quoted-printable"), ("utf-8", "8bit")],
    "ru": [("koi8-r", "8bit"), ("koi8-r", "base64"), ("utf-8", "base64")],
    "ja": [("iso-2022-jp", "7bit"), ("shift_jis", "base64"), ("utf-8", "base64")],
    "zh": [("utf-8", "base64")],
    "el": [("utf-8", "quoted-printable")],
    "pt": [("windows-1252", "quoted-printable"), ("utf-8", "quoted-printable")],
}
EN_SUBJECTS = [
    "Quarterly report {q} {year}", "Meeting notes: {project}", "Invoice #{n}", "Your order {n} has shipped",
    "Lunch on {day}?", "Re-scheduling the {project} review", "Build failed on main ({n})",
    "Question about the {project} export", "Photos from the offsite", "Welcome to the {project} team",
    "Reminder: timesheets due {day}", "Draft proposal for {project}", "Password expiry notice",
    "Minutes of the {day} call", "Travel plans for {month}", "Can you review PR #{n}?",
    "Server maintenance window on {day}", "Your {month} statement is ready",
    "A rather long subject line that keeps going to see how the client truncates and folds it {n}",
]
PROJECTS = ("Atlas", "Borealis", "Cedar", "Dune", "Ember", "Fjord", "Granite", "Harbor")
LISTS = (("skua-dev", "skua-dev.lists.example.com"), ("announce", "announce.example.org"),
         ("book-club", "book-club.groups.example.net"))
MAILERS = ("Mozilla Thunderbird 115.6", "Apple Mail (2.3774)", "Microsoft Outlook 16.0", "NeoMutt/20220429",
           "Roundcube Webmail/1.6.5", "aerc 0.15.2", None, None)


def tiny_png(rng, w, h):
    rows = b"".join(b"\0" + bytes(rng.randrange(256) for _ in range(w * 3)) for _ in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def tiny_pdf(rng, title):
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode()
    noise = base64.b85encode(bytes(rng.randrange(256) for _ in range(rng.randrange(600, 3000))))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
            b"<< /Length %d >>\nstream\n" % len(noise) + noise + b"\nendstream"]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offs)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)


def tiny_zip(rng, inner):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo(inner, date_time=(2024, 1, 1, 12, 0, 0))
        z.writestr(info, "\n".join(rng.choice(EN_SENTENCES) for _ in range(40)))
        z.writestr(zipfile.ZipInfo("data.bin", date_time=(2024, 1, 1, 12, 0, 0)),
                   bytes(rng.randrange(256) for _ in range(rng.randrange(200, 2000))))
    return buf.getvalue()


ATTACH_NAMES = [  # (name, charset, filename style)
    ("report-Q3.pdf", None, "plain"), ("photo_0042.png", None, "plain"), ("archive.zip", None, "plain"),
    ("Übersicht 2024.pdf", "utf-8", "rfc2231"), ("résumé.pdf", "iso-8859-1", "rfc2231"),
    ("Отчёт за квартал.pdf", "utf-8", "rfc2047"), ("写真.png", "utf-8", "rfc2047"),
    ("Café menu.pdf", "iso-8859-1", "rfc2047"),
    ("a very long file name for the annual financial statements, final version (2).pdf", "utf-8",
     "rfc2231-cont"),
    ("Präsentation für das Kundengespräch am Donnerstag mit allen Zahlen.zip", "utf-8", "rfc2231-cont"),
    ("見積書_2024年度.pdf", "shift_jis", "rfc2047"),
]


class Pools:
    """Everything that is expensive to make, made once per run."""

    def __init__(self, rng):
        self.en_pars = [self._para(rng, EN_SENTENCES, rng.randrange(2, 6)) for _ in range(300)]
        self.lang_lines = {k: v.split("\n") for k, v in LANG_TEXT.items()}
        self.lang_subjects = {k: [(s, rfc2047(s, cs, enc)) for s, cs, enc in v]
                              for k, v in LANG_SUBJECTS.items()}
        self.attachments = []
        for name, charset, style in ATTACH_NAMES * 3:
            ext = name.rsplit(".", 1)[1]
            if ext == "pdf":
                data, ctype = tiny_pdf(rng, "skua test document"), "application/pdf"
            elif ext == "png":
                data, ctype = tiny_png(rng, rng.randrange(8, 40), rng.randrange(8, 40)), "image/png"
            else:
                data, ctype = tiny_zip(rng, "notes.txt"), "application/zip"
            self.attachments.append(attachment_part(ctype, style, name, charset or "us-ascii", data))
        self.inline_png = tiny_png(rng, 24, 24)
        self.signature = (b"Content-Type: application/pgp-signature; name=\"signature.asc\"\n"
                          b"Content-Description: OpenPGP digital signature\n"
                          b"Content-Disposition: attachment; filename=\"signature.asc\"\n\n"
                          b"-----BEGIN PGP SIGNATURE-----\n\n"
                          + base64.encodebytes(bytes(rng.randrange(256) for _ in range(330)))
                          + b"-----END PGP SIGNATURE-----\n")

    @staticmethod
    def _para(rng, sentences, n):
        words = " ".join(rng.choice(sentences) for _ in range(n)).split(" ")
        lines, line = [], ""
        for w in words:
            if line and len(line) + 1 + len(w) > 72:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}" if line else w
        lines.append(line)
        return "\n".join(lines)


def html_from_text(text, title):
    paras = "".join(f"<p>{html.escape(p).replace(chr(10), ' ')}</p>\n" for p in text.split("\n\n"))
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>\n"
            "<style>body{font-family:sans-serif} .muted{color:#888}</style></head>\n<body>\n"
            f"{paras}<p class=\"muted\">Sent from a <b>rich text</b> mail program. "
            "<a href=\"https://www.example.com/settings\">Settings</a></p>\n</body></html>\n")


def newsletter_html(rng, title, n):
    items = "".join(f"<tr><td><h2>{t}</h2><p>{rng.choice(EN_SENTENCES)} {rng.choice(EN_SENTENCES)}</p>"
                    f"<a href=\"https://news.example.com/a/{n}/{i}?utm_source=mail\">Read more</a></td></tr>\n"
                    for i, t in enumerate(rng.sample(["Product update", "Tips &amp; tricks", "Events",
                                                      "From the blog", "Community"], 3)))
    return ("<html><head><style>table{width:600px} h2{color:#246}</style></head><body>\n"
            f"<table cellpadding=\"8\"><tr><td><img src=\"https://news.example.com/logo.png\" alt=\"Logo\">"
            f"<h1>{title}</h1></td></tr>\n{items}</table>\n"
            f"<img src=\"https://track.example.com/open/{n}.gif\" width=\"1\" height=\"1\">\n"
            "<p style=\"font-size:small\">You receive this because you subscribed. "
            "<a href=\"https://news.example.com/unsubscribe\">Unsubscribe</a></p></body></html>\n")


# ---------------------------------------------------------------- bulk generator

class Generator:
    def __init__(self, seed, user, count, end, years):
        self.rng = random.Random(seed)
        self.seed = seed
        self.user = user
        self.count = count
        self.end = end
        self.span = years * 365 * 86400
        self.pools = Pools(random.Random(seed * 7919 + 1))
        self.me = next((p for p in PEOPLE if p[1] == user), ("", user, None, None))
        self.recent = []  # (msgid, refs, subject tokens, subject text, from person, lang, first lines)
        self.forwardable = None

    def message(self, i):
        """Returns (bytes, date_epoch, maildir flags)."""
        rng = self.rng
        t = int(self.end - self.span + (i + rng.random()) * self.span / self.count)
        tz = rng.choice((0, 60, 120, -300, -240, 330, 540, -420, 60, 0))
        msgid = f"<{hashlib.sha1(f'{self.seed}:{i}'.encode()).hexdigest()[:20]}.{i}@mail.example.net>"
        headers = []
        parent = None
        if self.recent and rng.random() < 0.35:
            # Replies favour the newest conversations, so some threads grow long.
            parent = self.recent[-1 - min(int(rng.expovariate(0.3)), len(self.recent) - 1)]
        if parent:
            lang = parent[5]
            sender = rng.choice([self.me, parent[4]] + [PEOPLE[rng.randrange(len(PEOPLE))]])
            if sender is parent[4]:
                sender = self.me
            prefix = rng.choice(("Re:", "Re:", "Re:", "RE:", "AW:", "Fwd:"))
            subj_tokens = ([prefix] + parent[2]) if not parent[2][0].lower().startswith(("re:", "aw:")) \
                else parent[2]
            subj_text = parent[3]
            refs = (parent[1] + [parent[0]])[-10:]
        else:
            lang = rng.choices(("en", "fr", "de", "ru", "ja", "zh", "el", "pt"),
                               (62, 8, 8, 6, 6, 4, 3, 3))[0]
            if lang != "en" and rng.random() < 0.8:
                sender = PEOPLE[rng.choice(LANG_PEOPLE[lang])]
            else:
                sender = PEOPLE[rng.randrange(len(PEOPLE))]
            if lang == "en" and rng.random() < 0.9:
                subj_text = rng.choice(EN_SUBJECTS).format(
                    q=f"Q{rng.randrange(1, 5)}", year=time.gmtime(t).tm_year, project=rng.choice(PROJECTS),
                    n=rng.randrange(1000, 99999), day=rng.choice(DAYS), month=rng.choice(MONTHS))
                subj_tokens = subj_text.split(" ")
            else:
                subj_text, subj_tokens = rng.choice(self.pools.lang_subjects[lang])
            refs = []
        if sender[1] == self.user:
            to = [PEOPLE[rng.randrange(2, len(PEOPLE))]]
        else:
            to = [self.me]
        if rng.random() < 0.2:
            to += rng.sample(PEOPLE, rng.randrange(1, 4))
        listed = None
        if not parent and lang == "en" and rng.random() < 0.12:
            listed = rng.choice(LISTS)
            subj_tokens = [f"[{listed[0]}]"] + subj_tokens
            to = [("", f"{listed[0]}@{listed[1].split('.', 1)[1]}", None, None)]

        headers.append(f"Return-Path: <{sender[1]}>\nDelivered-To: {self.user}\n")
        headers.append(f"Received: from mail.example.net (mail.example.net [192.0.2.{i % 250 + 1}])\n"
                       f"\tby localhost (Postfix) with ESMTPS id {i:X}\n"
                       f"\tfor <{self.user}>; {rfc5322_date(t + 3, 0)}\n")
        headers.append(f"Date: {rfc5322_date(t, tz)}\n")
        headers.append(address_header("From", [sender]))
        headers.append(address_header("To", to))
        if rng.random() < 0.15:
            headers.append(address_header("Cc", rng.sample(PEOPLE, rng.randrange(1, 6))))
        if rng.random() < 0.01 and lang != "en":
            # Raw UTF-8 in a header, as some broken senders (and RFC 6532) do.
            headers.append(f"Subject: {subj_text}\n")
        else:
            headers.append(fold("Subject", subj_tokens))
        headers.append(f"Message-ID: {msgid}\n")
        if parent:
            headers.append(f"In-Reply-To: {parent[0]}\n")
            headers.append("References: " + "\n\t".join(refs) + "\n")
        if listed:
            headers.append(f"List-Id: <{listed[1]}>\nList-Unsubscribe: <mailto:{listed[0]}-leave@"
                           f"{listed[1].split('.', 1)[1]}>\nPrecedence: list\n")
        mailer = rng.choice(MAILERS)
        if mailer:
            headers.append(f"User-Agent: {mailer}\n")

        # Body text
        if lang == "en":
            pars = [rng.choice(self.pools.en_pars) for _ in range(rng.randrange(1, 4))]
            text = "\n\n".join(pars)
            charset, cte = rng.choice((("us-ascii", "7bit"), ("us-ascii", "7bit"), ("utf-8", "7bit"),
                                       ("iso-8859-1", "7bit")))
            if "“" in subj_text or rng.random() < 0.04:
                text += "\n\n“Quoted” thoughts – with a dash and café."
                charset, cte = rng.choice((("windows-1252", "quoted-printable"), ("utf-8", "quoted-printable"),
                                           ("iso-8859-1", "quoted-printable")))
                if charset == "iso-8859-1":
                    text = text.replace("“", '"').replace("”", '"').replace("–", "-")
        else:
            lines = self.pools.lang_lines[lang]
            text = "\n".join(rng.sample(lines, min(len(lines), rng.randrange(2, 6))))
            charset, cte = rng.choice(LANG_BODY[lang])
        name = sender[0] or sender[1]
        first = text.split("\n")[:4]
        if parent:
            quoted = "\n".join("> " + ln for ln in parent[6])
            text += f"\n\nOn {rfc5322_date(t - 3600, 0)}, {parent[4][0] or parent[4][1]} wrote:\n{quoted}\n"
        if rng.random() < 0.5:
            text += f"\n\n-- \n{name}\n"
        try:
            raw = text.encode(CODEC[charset])
            if cte == "7bit" and max(raw) >= 0x80:
                cte = "8bit"  # a non-ASCII signature or quote in a 7bit template
        except UnicodeEncodeError:
            charset = "utf-8"
            cte = "quoted-printable" if cte in ("7bit", "8bit") else cte

        kind = rng.random()
        n = i
        boundary = f"=_skua_{n:x}_{rng.getrandbits(32):08x}"
        if kind < 0.36:
            body = text_part(text, charset, cte, params=rng.choice(("", "", "; format=flowed")))
        elif kind < 0.60:
            alt = [text_part(text, charset, cte),
                   text_part(html_from_text(text, subj_text), "utf-8", "quoted-printable", "html")]
            body = multipart("alternative", alt, boundary)
        elif kind < 0.63:
            html = html_from_text(text, subj_text).replace(
                "</body>", "<p><img src=\"cid:logo." + str(n) + "@example.net\" alt=\"logo\"></p></body>")
            related = multipart("related", [
                text_part(html, "utf-8", "quoted-printable", "html"),
                attachment_part("image/png", "plain", "logo.png", "us-ascii", self.pools.inline_png,
                                "inline", cid=f"logo.{n}@example.net")], boundary + "_r", preamble=False)
            body = multipart("alternative", [text_part(text, charset, cte), related], boundary)
        elif kind < 0.69:
            body = text_part(newsletter_html(rng, subj_text, n), "utf-8",
                             rng.choice(("quoted-printable", "base64")), "html")
        elif kind < 0.89:
            parts = [text_part(text, charset, cte)]
            for a in rng.sample(self.pools.attachments, rng.choice((1, 1, 1, 2, 3))):
                parts.append(a)
            body = multipart("mixed", parts, boundary)
        elif kind < 0.92 and self.forwardable:
            fwd = b"Content-Type: message/rfc822\nContent-Disposition: attachment\n\n" + self.forwardable
            body = multipart("mixed", [text_part("Forwarding this, see below.\n", "us-ascii", "7bit"), fwd],
                             boundary)
        elif kind < 0.95:
            signed = text_part(text, charset, "quoted-printable" if cte == "8bit" else cte)
            body = (f"Content-Type: multipart/signed; micalg=pgp-sha256;\n\tprotocol=\"application/pgp-signature\";"
                    f" boundary=\"{boundary}\"\n\n").encode() + b"--" + boundary.encode() + b"\n" + signed \
                + b"\n--" + boundary.encode() + b"\n" + self.pools.signature + b"\n--" + boundary.encode() + b"--\n"
        else:
            body = text_part(text, charset, cte)

        head = "".join(headers)
        try:
            head_b = head.encode("ascii")
        except UnicodeEncodeError:
            head_b = head.encode("utf-8")
        data = head_b + b"MIME-Version: 1.0\n" + body

        self.recent.append((msgid, refs, subj_tokens, subj_text, sender, lang, first))
        if len(self.recent) > 300:
            del self.recent[:100]
        if len(data) < 3000 and kind < 0.36:
            self.forwardable = data

        age = (self.count - i) / self.count
        flags = ""
        if rng.random() < 0.04:
            flags += "F"
        seen = rng.random() < (0.97 if age > 0.05 else 0.5)
        if seen and (parent or rng.random() < 0.08) and rng.random() < 0.3:
            flags += "R"
        if seen or sender[1] == self.user:
            flags += "S"
        return data, t + rng.randrange(2, 600), flags


# ---------------------------------------------------------------- demo set

def sample_messages(user, now):
    """A dozen friendly messages for the demo, newest last."""
    me = next((p for p in PEOPLE if p[1] == user), ("", user, None, None))
    rng = random.Random(42)
    P = {p[1].split("@")[0]: p for p in PEOPLE}
    msgs = []
    thread_ids = []

    def add(age_h, sender, subject_tokens, body, flags="", to=None, thread=None, extra=""):
        """thread: None, "start" or "reply" (to the previous thread message)."""
        t = int(now - age_h * 3600)
        i = len(msgs)
        msgid = f"<demo.{i}.{t}@example.net>"
        h = (f"Date: {rfc5322_date(t, 60)}\n" + address_header("From", [sender])
             + address_header("To", to or [me]) + fold("Subject", subject_tokens) + f"Message-ID: {msgid}\n")
        if thread == "reply":
            h += f"In-Reply-To: {thread_ids[-1]}\nReferences: " + "\n\t".join(thread_ids[-10:]) + "\n"
        if thread:
            thread_ids.append(msgid)
        msgs.append(((h + extra).encode("ascii") + b"MIME-Version: 1.0\n" + body, t + 5, flags))

    add(240, ("Skua", "hello@skua.example.org", None, None), "Welcome to skua".split(),
        text_part("Hi!\n\nThis is your demo mailbox. Press ? for help, j and k to move,\n"
                  "Enter to read a message and q to go back.\n\nHave fun,\nthe skua developers\n",
                  "us-ascii", "7bit"), "S")
    add(200, P["f.dupre"], rfc2047("Café et réunion de l'équipe", "iso-8859-1", "Q"),
        multipart("mixed", [
            text_part("Bonjour Alice,\n\nVoici l'ordre du jour de la réunion de jeudi. On se retrouve au café\n"
                      "à côté de la gare à 10 h, comme d'habitude.\n\nÀ jeudi,\nFrançoise\n",
                      "iso-8859-1", "quoted-printable"),
            attachment_part("application/pdf", "rfc2231", "ordre du jour (réunion).pdf", "iso-8859-1",
                            tiny_pdf(rng, "Ordre du jour"))], "=_demo_fr"), "S")
    add(150, ("Harbor News", "news@harbor.example.com", None, None), "Your weekly harbor digest".split(),
        text_part(newsletter_html(rng, "This week at the harbor", 1), "utf-8", "quoted-printable", "html"),
        extra="List-Id: <digest.harbor.example.com>\nList-Unsubscribe: <https://harbor.example.com/u>\n")
    thread = [
        (96, P["bob"], "Trip to Lisbon in May?", "Hi all,\n\nShall we finally do the Lisbon trip? I was thinking of the\n"
         "second week of May. Flights look cheap right now.\n\nBob\n"),
        (90, P["carol"], "Re: Trip to Lisbon in May?", "Count me in! Second week of May works for me.\n\nCarol\n"),
        (80, P["dave"], "Re: Trip to Lisbon in May?", "I can only do the weekend of the 17th. Would that work?\n"),
        (70, P["bob"], "Re: Trip to Lisbon in May?", "The 17th works. I'll look at apartments in Alfama.\n"),
        (50, P["ana"], "Re: Trip to Lisbon in May?", "I live there, I can recommend a few places to eat :)\n"
         "Let me know when you arrive.\n\nAna\n"),
        (30, P["carol"], "Re: Trip to Lisbon in May?", "Found a nice apartment for five, link below:\n"
         "https://rentals.example.com/lisbon/alfama-42\n"),
        (6, P["bob"], "Re: Trip to Lisbon in May?", "Booked! Now we just need to agree on the flights.\n"),
    ]
    for j, (age, who, subj, body) in enumerate(thread):
        add(age, who, subj.split(), text_part(body, "us-ascii", "7bit"), "S" if age > 24 else "",
            to=[P["alice"], P["bob"], P["carol"], P["dave"]], thread="reply" if j else "start")
    add(48, P["yamada"], rfc2047("来週の会議について", "iso-2022-jp", "B"),
        text_part("アリスさん\n\nいつもお世話になっております。\n来週の会議は木曜日の午前十時からです。\n\n山田\n",
                  "iso-2022-jp", "7bit"), "S")
    add(20, P["ivan"], rfc2047("Привет из Москвы", "koi8-r", "B"),
        text_part("Привет, Алиса!\n\nКак дела? Пришли, пожалуйста, фотографии с конференции.\n\nИван\n",
                  "koi8-r", "8bit"))
    add(12, P["erin.walsh"], "Photos from the hike".split(),
        multipart("mixed", [
            multipart("alternative", [
                text_part("Here are two photos from Sunday. The view from the top was great!\n", "utf-8", "7bit"),
                text_part("<p>Here are two photos from Sunday. The view from the top was <b>great</b>!</p>\n",
                          "utf-8", "7bit", "html")], "=_demo_alt"),
            attachment_part("image/png", "plain", "summit.png", "us-ascii", tiny_png(rng, 32, 24)),
            attachment_part("image/png", "rfc2047", "Gipfelkreuz – Aussicht.png", "utf-8", tiny_png(rng, 24, 32))],
            "=_demo_photos"), "F")
    add(3, P["grace"], "Important: slides for tomorrow".split(),
        text_part("Alice,\n\nCould you send me the slides for tomorrow's talk before 6 pm?\n"
                  "I would like to check the demo part once more.\n\nThanks,\nGrace\n", "us-ascii", "7bit"), "F")
    add(1, P["zoe"], rfc2047("“Quick question” about the invoice", "windows-1252", "Q"),
        text_part("Hi Alice,\n\nThe invoice says €120 – is that including VAT?\n\nCheers,\nZoë\n",
                  "windows-1252", "quoted-printable"))
    return msgs


# ---------------------------------------------------------------- maildir + doveadm

def load_env(path):
    env = {}
    try:
        with open(path) as f:
            for line in f:
                m = re.match(r'^(MAILSYS_\w+)="(.*)"$', line.strip())
                if m:
                    env[m.group(1)] = m.group(2)
    except OSError as e:
        sys.exit(f"fill-folder: {e.strerror}: {path} (start the mail system with contrib/mailsys.sh)")
    return env


def doveadm(conf, *args, check=True):
    r = subprocess.run(["doveadm", "-c", conf, *args], capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"fill-folder: doveadm {' '.join(args)} failed: {r.stderr.strip()}")
    return r


def write_maildir(path, messages, tag, uid, gid):
    """Writes (bytes, internaldate, flags) items as maildir files in cur/,
    owned by uid:gid.  Names start with the internal date, so Dovecot gives
    UIDs in date order."""
    chown = os.getuid() == 0 and (uid, gid) != (0, 0)
    total = 0
    for i, (data, t, flags) in enumerate(messages):
        size = len(data)
        vsize = size + data.count(b"\n")  # RFC822.SIZE counts CRLF line ends
        base = f"{t}.M{i % 1000000:06d}P{os.getpid()}Q{i}.{tag},S={size},W={vsize}"
        tmp = f"{path}/tmp/{base}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.utime(fd, (t, t))  # Dovecot takes INTERNALDATE from mtime
            if chown:
                os.fchown(fd, uid, gid)
        finally:
            os.close(fd)
        os.rename(tmp, f"{path}/cur/{base}:2,{flags}")
        total += size
    return total


def main():
    intro, examples = __doc__.split("\n\n", 2)[:2]
    ap = argparse.ArgumentParser(description=intro, epilog="examples:\n" + examples,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--env", required=True, help="DIR/env written by mailsys.sh start")
    ap.add_argument("--user", default="alice@example.org", help="mail user (default %(default)s)")
    ap.add_argument("--folder", help="folder to fill (created if missing; default Big, or INBOX with --sample)")
    ap.add_argument("--count", type=int, default=1000, help="messages to add (default %(default)s)")
    ap.add_argument("--seed", type=int, default=1, help="same seed, same messages (default %(default)s)")
    ap.add_argument("--end-date", default="2025-12-31", help="date of the newest message (YYYY-MM-DD)")
    ap.add_argument("--years", type=float, default=2, help="time span the messages cover")
    ap.add_argument("--sample", action="store_true", help="write the demo set instead")
    ap.add_argument("--no-index", action="store_true", help="only let Dovecot assign UIDs, skip doveadm index")
    args = ap.parse_args()

    env = load_env(args.env)
    conf = env.get("MAILSYS_DOVECOT_CONF") or sys.exit("fill-folder: no MAILSYS_DOVECOT_CONF in " + args.env)
    folder = args.folder or ("INBOX" if args.sample else "Big")
    user = args.user

    if folder.upper() == "INBOX":
        # A user who never logged in has no maildir yet; asking for the
        # status makes Dovecot create it.
        doveadm(conf, "mailbox", "status", "-u", user, "messages", "INBOX", check=False)
    else:
        r = doveadm(conf, "mailbox", "create", "-s", "-u", user, folder, check=False)
        if r.returncode != 0 and "exists" not in r.stderr:
            sys.exit(f"fill-folder: cannot create {folder}: {r.stderr.strip()}")
    path = doveadm(conf, "mailbox", "path", "-u", user, folder).stdout.strip()
    if not os.path.isdir(os.path.join(path, "cur")):
        sys.exit(f"fill-folder: {path} is not a maildir")
    st = os.stat(path)
    tag = f"skua-fill-{os.getpid()}-{int(time.time())}"

    t0 = time.monotonic()
    if args.sample:
        msgs = sample_messages(user, time.time())
    else:
        end = calendar.timegm(time.strptime(args.end_date, "%Y-%m-%d")) + 17 * 3600
        gen = Generator(args.seed, user, args.count, end, args.years)
        msgs = (gen.message(i) for i in range(args.count))
    # Root writes and hands each file to the mail user: a child that dropped
    # privileges could not load modules from an interpreter under /root.
    nbytes = write_maildir(path, msgs, tag, st.st_uid, st.st_gid)
    t1 = time.monotonic()
    # Any access makes Dovecot scan the maildir and assign UIDs.
    status = doveadm(conf, "-f", "flow", "mailbox", "status", "-u", user, "messages uidnext", folder).stdout.strip()
    t2 = time.monotonic()
    if not args.no_index:
        doveadm(conf, "index", "-u", user, folder)
    t3 = time.monotonic()
    # Report what is there after indexing, not what the first scan saw: with
    # another session of the user syncing the same maildir that scan once
    # came back short of the count in the tests.
    status = doveadm(conf, "-f", "flow", "mailbox", "status", "-u", user, "messages uidnext", folder).stdout.strip()
    n = "sample" if args.sample else args.count
    print(f"fill-folder: {user} {folder}: wrote {n} messages ({nbytes / 1e6:.1f} MB) in {t1 - t0:.1f} s, "
          f"Dovecot sync {t2 - t1:.1f} s" + ("" if args.no_index else f", index {t3 - t2:.1f} s")
          + f"; now {status}")


if __name__ == "__main__":
    main()
