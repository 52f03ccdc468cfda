#!/usr/bin/env python3
"""Checks an analyze run against a generated truth.jsonl.

usage: check.py TRUTH.jsonl FINDINGS.jsonl SUMMARY.json [EXPECTED-EXTRA.jsonl]

Every `case` must be matched by a finding (same detector and venue, same terminal and cert where the truth
gives them, overlapping [start, end]); no `near-miss` may be matched; every finding must match a case or a
line of EXPECTED-EXTRA (matched the same way: the findings bad-input is documented to make); every file of
the summary must have lines == rows + quarantined + skipped. Exit status 1 on any failure.
"""
import json
import sys
from datetime import datetime


def load(path):
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def span(record):
    return datetime.fromisoformat(record["start"]), datetime.fromisoformat(record["end"])


def matches(label, finding):
    if label["detector"] != finding["detector"] or label["venue"] != finding["venue"]:
        return False
    for key in ("terminal", "cert", "address"):
        if label.get(key) is not None and (finding.get(key) or "").upper() != label[key].upper():
            return False
    (label_start, label_end), (found_start, found_end) = span(label), span(finding)
    return found_start <= label_end and label_start <= found_end


def main():
    truth, findings = load(sys.argv[1]), load(sys.argv[2])
    with open(sys.argv[3], encoding="utf-8") as handle:
        summary = json.load(handle)
    extra = load(sys.argv[4]) if len(sys.argv) > 4 else []
    cases = [label for label in truth if label["kind"] == "case"]
    near_misses = [label for label in truth if label["kind"] == "near-miss"]
    failures = []
    for label in cases:
        if not any(matches(label, finding) for finding in findings):
            failures.append("case not found: " + json.dumps(label, ensure_ascii=False))
    for label in near_misses:
        for finding in findings:
            if matches(label, finding):
                failures.append("near miss found: " + json.dumps(label, ensure_ascii=False)
                                + "\n    by " + json.dumps(finding, ensure_ascii=False))
    unexpected = [finding for finding in findings
                  if not any(matches(label, finding) for label in cases + extra)]
    for finding in unexpected:
        failures.append("finding matches no case: " + json.dumps(finding, ensure_ascii=False))
    for file in summary["files"]:
        if file["lines"] != file["rows"] + file["quarantined"] + file["skipped"]:
            failures.append("lines != rows + quarantined + skipped: " + json.dumps(file, ensure_ascii=False))
    matched = sum(any(matches(label, finding) for finding in findings) for label in cases)
    print(f"cases {matched}/{len(cases)} found, near misses {len(near_misses)}, findings {len(findings)} "
          f"({len(findings) - len(unexpected)} explained), files {len(summary['files'])}")
    for failure in failures:
        print("FAIL " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
