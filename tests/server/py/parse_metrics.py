"""Parses a Prometheus text exposition (stdin) with prometheus_client's own parser and prints
one JSON document: the agent label values seen, per metric family, and the sample count.
Exits 1 (with the parser's error) if the exposition does not parse.

Usage: python parse_metrics.py < metrics.txt
"""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.buffer.read().decode("utf-8")
agents: set[str] = set()
samples = 0
try:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples += 1
            if "agent" in sample.labels:
                agents.add(sample.labels["agent"])
except Exception as err:  # the parser's own error, reported to the Deno test
    print(f"parse error: {err!r}", file=sys.stderr)
    sys.exit(1)
print(json.dumps({"agents": sorted(agents), "samples": samples}))
