"""Sends Events API v2 events with PagerDuty's own Python client, pointed elsewhere only by its
base URL: a trigger (summary, source, severity, custom details), an acknowledge and a resolve.

Usage: pagerduty_sdk_send.py BASE_URL ROUTING_KEY
Prints one JSON line: the dedup keys the client returned, and the client's version.
"""
import json
import sys

import pagerduty

base_url, routing_key = sys.argv[1], sys.argv[2]
client = pagerduty.EventsApiV2Client(routing_key, base_url=base_url)
key = client.trigger(
    "Disk 97% full on db-2:/var",
    "db-2",
    dedup_key="sdk-disk-db-2",
    severity="critical",
    custom_details={"service": "db", "mount": "/var", "used_pct": 97},
)
ack = client.acknowledge(key)
resolved = client.resolve(key)
auto = client.trigger("Packet loss 12% on edge-1", "edge-1", severity="warning")
print(json.dumps({
    "trigger": key,
    "acknowledge": ack,
    "resolve": resolved,
    "auto": auto,
    "version": pagerduty.__version__ if hasattr(pagerduty, "__version__") else None,
}))
