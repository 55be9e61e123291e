"""check_mail.py DIR EXPECT FROM: every message file in DIR, parsed by
Python's standard email package (policy=default), against EXPECT: one
line per message, tab-separated: the To address, its display name, the
Subject, then strings the decoded body must hold (or, after a "!", must
not hold).  FROM is the sender's
address.  Prints "N messages ok", or the first problem and exits 1.

Run by test_mailcmd.c with Debian's /usr/bin/python3: only the standard
library, so what it checks is what an ordinary mail reader decodes.
"""
import email
import email.policy
import os
import re
import sys


def fail(path, why):
    print("%s: %s" % (path, why))
    sys.exit(1)


def check(path, raw, expect, sender):
    head = raw.split(b"\r\n\r\n", 1)[0]
    if b"\n" in head.replace(b"\r\n", b""):
        fail(path, "a bare LF in the header")
    for line in head.split(b"\r\n"):
        if len(line) > 78 and not line.startswith(b" <http"):
            fail(path, "header line of %d characters: %r" % (len(line), line))
    m = email.message_from_bytes(raw, policy=email.policy.default)
    if m.defects:
        fail(path, "defects %r" % m.defects)
    to = m["To"].addresses
    if len(to) != 1 or to[0].addr_spec not in expect:
        fail(path, "unexpected To %r" % str(m["To"]))
    name, subject, parts = expect[to[0].addr_spec]
    if to[0].display_name != name:
        fail(path, "To name %r, want %r" % (to[0].display_name, name))
    if str(m["Subject"]) != subject:
        fail(path, "Subject %r, want %r" % (str(m["Subject"]), subject))
    if m["From"].addresses[0].addr_spec != sender:
        fail(path, "From %r" % str(m["From"]))
    if m["Date"] is None or m["Date"].datetime is None or m["Date"].datetime.tzinfo is None:
        fail(path, "no usable Date")
    if not re.fullmatch(r"<[0-9a-f]{32}\.[0-9]+@" + re.escape(sender.split("@")[1]) + ">",
                        str(m["Message-ID"]).strip()):
        fail(path, "Message-ID %r" % str(m["Message-ID"]))
    lu = str(m["List-Unsubscribe"]).strip()
    if not re.fullmatch(r"<https://[^<> ]+[0-9a-f]{32}[^<> ]*>", lu):
        fail(path, "List-Unsubscribe %r" % lu)
    if str(m["List-Unsubscribe-Post"]).strip() != "List-Unsubscribe=One-Click":
        fail(path, "List-Unsubscribe-Post %r" % str(m["List-Unsubscribe-Post"]))
    if m.get_content_type() != "text/plain" or m.get_content_charset() != "utf-8":
        fail(path, "content %s charset %s" % (m.get_content_type(), m.get_content_charset()))
    body = m.get_content()
    for want in parts + [lu[1:-1]]:
        if want.startswith("!"):
            if want[1:] in body:
                fail(path, "body holds %r:\n%s" % (want[1:], body))
        elif want not in body:
            fail(path, "body lacks %r:\n%s" % (want, body))
    return to[0].addr_spec


def main():
    folder, expect_file, sender = sys.argv[1:4]
    expect = {}
    with open(expect_file, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            expect[fields[0]] = (fields[1], fields[2], fields[3:])
    seen = set()
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        with open(path, "rb") as f:
            addr = check(path, f.read(), expect, sender)
        if addr in seen:
            fail(path, "a second message to %s" % addr)
        seen.add(addr)
    if seen != set(expect):
        fail(folder, "no message to %s" % ", ".join(sorted(set(expect) - seen)))
    print("%d messages ok" % len(seen))


main()
