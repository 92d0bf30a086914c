#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Check a ktrq-sim --timeline file the way the viewers read it.

Valid JSON with a traceEvents array; every event has the fields its phase
needs; spans ("X") on one track nest (Perfetto drops or mangles slices
that overlap without nesting); every track used is named by metadata.
Usage: check_timeline.py FILE
"""
import json
import sys


def fail(msg):
    print("check_timeline: " + msg, file=sys.stderr)
    sys.exit(1)


def main():
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    evs = doc.get("traceEvents")
    if not isinstance(evs, list) or not evs:
        fail("no traceEvents")
    tracks, named, spans = set(), set(), {}
    for e in evs:
        ph = e.get("ph")
        if ph not in ("X", "B", "E", "i", "M"):
            fail("unknown phase %r" % ph)
        if not isinstance(e.get("pid"), int) or not isinstance(e.get("tid"), int):
            fail("event without pid/tid: %r" % e)
        key = (e["pid"], e["tid"])
        if ph == "M":
            if e["name"] == "thread_name":
                named.add(key)
            continue
        if not isinstance(e.get("ts"), int) or "vclock_ns" not in e.get("args", {}):
            fail("event without ts or vclock_ns: %r" % e)
        tracks.add(key)
        if ph == "X":
            if e.get("dur", -1) < 0:
                fail("span without dur: %r" % e)
            spans.setdefault(key, []).append((e["ts"], e["ts"] + e["dur"]))
    for key in tracks - named:
        fail("track %r has no thread_name" % (key,))
    for key, ss in spans.items():
        # Sort by start, longest first; each span must fit inside the
        # innermost open one or start after it ends.
        ss.sort(key=lambda s: (s[0], -s[1]))
        stack = []
        for b, e in ss:
            while stack and stack[-1] <= b and not (stack[-1] == b and e == b):
                stack.pop()
            if stack and e > stack[-1]:
                fail("spans overlap without nesting on track %r at ts %d"
                     % (key, b))
            stack.append(e)
    print("check_timeline: %d events, %d tracks, ok" % (len(evs), len(tracks)))


main()
