#!/usr/bin/env python3
"""Compares the peer's findings with netbar's, finding by finding.

usage: compare.py NETBAR.jsonl PEER.jsonl

A finding's case is (detector, venue, terminal, cert, address); certs compared upper-cased, and masked the
way netbar masks them when netbar's findings were written without --reveal-certs. Prints, per
detector, how many cases each side has and how many agree, then every case only one side has and every
shared case whose start or end differ. Exit status 1 when the case sets differ.
"""
import json
import sys
from collections import Counter


def load(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def case(finding, masked=False):
    cert = (finding.get("cert") or "").upper()
    if masked and len(cert) > 10:  # netbar without --reveal-certs keeps the first 6 and last 4 characters
        cert = cert[:6] + "*" * (len(cert) - 10) + cert[-4:]
    return (finding["detector"], finding["venue"], finding.get("terminal") or "", cert, finding.get("address") or "")


def main():
    netbar, peer = load(sys.argv[1]), load(sys.argv[2])
    masked = any("*" in (finding.get("cert") or "") for finding in netbar)

    def key(finding):
        return case(finding, masked)

    by_case_netbar, by_case_peer = Counter(map(key, netbar)), Counter(map(key, peer))
    spans_netbar = {}
    for finding in netbar:
        spans_netbar.setdefault(key(finding), []).append((finding["start"], finding["end"]))
    spans_peer = {}
    for finding in peer:
        spans_peer.setdefault(key(finding), []).append((finding["start"], finding["end"]))

    detectors = sorted({c[0] for c in by_case_netbar} | {c[0] for c in by_case_peer})
    print(f"{'detector':<16} {'netbar':>7} {'peer':>7} {'agree':>7} {'same span':>10}")
    same_spans_total = 0
    for detector in detectors:
        mine = Counter({c: n for c, n in by_case_netbar.items() if c[0] == detector})
        theirs = Counter({c: n for c, n in by_case_peer.items() if c[0] == detector})
        agree = sum((mine & theirs).values())
        same = sum(len(set(spans_netbar[c]) & set(spans_peer[c])) for c in mine if c in theirs)
        same_spans_total += same
        print(f"{detector:<16} {sum(mine.values()):>7} {sum(theirs.values()):>7} {agree:>7} {same:>10}")
    print(f"{'all':<16} {len(netbar):>7} {len(peer):>7} {sum((by_case_netbar & by_case_peer).values()):>7} "
          f"{same_spans_total:>10}")
    differ = False
    for c, n in sorted((by_case_netbar - by_case_peer).items()):
        differ = True
        print("only netbar:", c, n, spans_netbar[c])
    for c, n in sorted((by_case_peer - by_case_netbar).items()):
        differ = True
        print("only peer:  ", c, n, spans_peer[c])
    for c in sorted(set(spans_netbar) & set(spans_peer)):
        if sorted(spans_netbar[c]) != sorted(spans_peer[c]):
            print("span differs:", c, "netbar", sorted(spans_netbar[c]), "peer", sorted(spans_peer[c]))
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
