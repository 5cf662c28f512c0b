"""The same scan as `Get-SnapshotShareEvent | Find-ExternalShare` (empty trust zone: only the owner is
trusted), written the way people write it in Python: json.load each delivery file, loop over Records.
Prints "records findings"."""
import gzip
import json
import os
import sys

EC2 = {"ModifySnapshotAttribute": "createVolumePermission", "ModifyImageAttribute": "launchPermission"}
RDS = {"ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute"}
REDSHIFT = {"AuthorizeSnapshotAccess"}


def grants(r):
    p = r.get("requestParameters") or {}
    name = r.get("eventName")
    if name in EC2:
        perm = p.get(EC2[name]) or {}
        for item in ((perm.get("add") or {}).get("items") or []):
            for key in ("userId", "group", "organizationArn", "organizationalUnitArn"):
                if item.get(key):
                    yield item[key]
    elif name in RDS and str(p.get("attributeName", "")).lower() == "restore":
        yield from p.get("valuesToAdd") or []
    elif name in REDSHIFT and p.get("accountWithRestoreAccess"):
        yield p["accountWithRestoreAccess"]


def main(root):
    records = findings = 0
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f.endswith(".json.gz"))
    for path in files:
        with gzip.open(path, "rb") as fh:
            doc = json.load(fh)
        for r in doc.get("Records", []):
            records += 1
            owner = r.get("recipientAccountId")
            for g in grants(r):
                if g != owner:
                    findings += 1
    print(records, findings)


if __name__ == "__main__":
    main(sys.argv[1])
