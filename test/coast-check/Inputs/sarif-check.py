"""sarif-check.py LOG: checks the fields SARIF 2.1.0 requires (and GitHub
code scanning reads) in coast-check's log, then prints one line per result:
ruleId file:line:col, related locations, fix edits."""
import json
import sys

log = json.load(open(sys.argv[1]))
assert log["version"] == "2.1.0", log["version"]
assert "sarif-2.1.0" in log["$schema"]
assert len(log["runs"]) == 1
run = log["runs"][0]
driver = run["tool"]["driver"]
assert driver["name"] == "coast-check"
rules = driver["rules"]
ids = [r["id"] for r in rules]
assert len(ids) == len(set(ids)), "duplicate rules"
for r in rules:
    if r["id"].startswith("coast-"):
        assert r["shortDescription"]["text"] and r["help"]["text"], r
        assert r["defaultConfiguration"]["level"] in ("error", "warning")
for name in ("coast-await-outside-async", "coast-sync-call",
             "coast-unawaited-future", "coast-unsupported", "coast-attribute"):
    assert name in ids, name


def where(loc):
    phys = loc["physicalLocation"]
    uri = phys["artifactLocation"]["uri"]
    assert uri.startswith("file:///"), uri
    region = phys.get("region")
    name = uri.rsplit("/", 1)[1]
    if not region:
        return name
    return "%s:%d:%d" % (name, region["startLine"], region.get("startColumn", 0))


for res in run["results"]:
    assert res["level"] in ("error", "warning")
    assert res["message"]["text"]
    assert ids[res["ruleIndex"]] == res["ruleId"]
    assert len(res["locations"]) == 1
    line = "%s %s" % (res["ruleId"], where(res["locations"][0]))
    for rel in res.get("relatedLocations", []):
        assert isinstance(rel["id"], int) and rel["message"]["text"]
        line += " | related %s %r" % (where(rel), rel["message"]["text"])
    for fix in res.get("fixes", []):
        assert fix["description"]["text"]
        for change in fix["artifactChanges"]:
            name = change["artifactLocation"]["uri"].rsplit("/", 1)[1]
            for rep in change["replacements"]:
                d = rep["deletedRegion"]
                line += " | fix %s:%d:%d-%d:%d %r" % (
                    name, d["startLine"], d["startColumn"], d["endLine"],
                    d["endColumn"], rep["insertedContent"]["text"])
    print(line)
print("results:", len(run["results"]))
