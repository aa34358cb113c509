#!/bin/sh
# Checks the shipped policy knowledge base (routes/kb/*.yaml) and its labelled questions
# (tests/data/kb-questions.jsonl): every file parses, every entry has the contract's fields
# with sane values, its unit is a code of routes/departments.yaml, ids are unique, dates are
# in order; every labelled question names an existing entry and shares no run of more than
# 6 consecutive characters with that entry's title or ways of asking (so the relevance test
# is not answered by copy). Needs python3 with PyYAML. Exit 1 with the faults listed.
set -eu
cd "$(dirname "$0")/../.."
exec python3 - "$@" <<'PY'
import datetime, glob, json, re, sys
import yaml

faults = []
def fault(msg):
    faults.append(msg)

deps = yaml.safe_load(open("routes/departments.yaml", encoding="utf-8"))
units = {d["code"] for d in deps["departments"]}

REQUIRED = ("id", "title", "questions", "answer", "unit", "tags", "source",
            "effective_from", "reviewed_at")
ALLOWED = set(REQUIRED) | {"effective_until"}
ID_RE = re.compile(r"^[a-z0-9-]{1,48}$")

def as_date(v, where):
    if isinstance(v, datetime.date):
        return v
    try:
        return datetime.date.fromisoformat(str(v))
    except ValueError:
        fault(f"{where}: not a date: {v!r}")
        return None

entries = {}
files = sorted(glob.glob("routes/kb/*.yaml"))
if not files:
    fault("routes/kb: no *.yaml files")
for path in files:
    try:
        doc = yaml.safe_load(open(path, encoding="utf-8"))
    except yaml.YAMLError as e:
        fault(f"{path}: does not parse: {e}")
        continue
    if not isinstance(doc, dict) or set(doc) != {"entries"} or not isinstance(doc["entries"], list):
        fault(f"{path}: must be a mapping with the one key `entries` (a sequence)")
        continue
    for n, e in enumerate(doc["entries"], 1):
        where = f"{path}: entry {n}"
        if not isinstance(e, dict):
            fault(f"{where}: not a mapping")
            continue
        where = f"{path}: {e.get('id', f'entry {n}')}"
        for k in REQUIRED:
            if k not in e or e[k] in (None, "", []):
                fault(f"{where}: missing {k}")
        for k in set(e) - ALLOWED:
            fault(f"{where}: unknown field {k}")
        i = e.get("id")
        if not isinstance(i, str) or not ID_RE.match(i):
            fault(f"{where}: id must be [a-z0-9-], at most 48 characters")
        elif i in entries:
            fault(f"{where}: id also in {entries[i]['_file']}")
        else:
            entries[i] = dict(e, _file=path)
        for k in ("title", "answer", "unit", "source"):
            if k in e and not isinstance(e[k], str):
                fault(f"{where}: {k} must be text")
        for k, least in (("questions", 3), ("tags", 1)):
            v = e.get(k)
            if not isinstance(v, list) or len(v) < least or not all(isinstance(x, str) and x.strip() for x in v):
                fault(f"{where}: {k} must be a sequence of at least {least} non-empty texts")
        if e.get("unit") not in units:
            fault(f"{where}: unit {e.get('unit')!r} is not a code of routes/departments.yaml")
        f = as_date(e.get("effective_from"), f"{where}: effective_from") if "effective_from" in e else None
        as_date(e.get("reviewed_at"), f"{where}: reviewed_at") if "reviewed_at" in e else None
        if e.get("effective_until") is not None:
            u = as_date(e["effective_until"], f"{where}: effective_until")
            if f and u and u < f:
                fault(f"{where}: effective_until {u} is before effective_from {f}")

def longest_common_run(a, b):
    best = 0
    prev = [0] * (len(b) + 1)
    for ca in a:
        cur = [0] * (len(b) + 1)
        for j, cb in enumerate(b, 1):
            if ca == cb:
                cur[j] = prev[j - 1] + 1
                best = max(best, cur[j])
        prev = cur
    return best

QPATH = "tests/data/kb-questions.jsonl"
labelled = 0
seen_q = set()
for n, line in enumerate(open(QPATH, encoding="utf-8"), 1):
    if not line.strip():
        continue
    where = f"{QPATH}:{n}"
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        fault(f"{where}: not JSON: {e}")
        continue
    if not isinstance(obj, dict) or set(obj) != {"q", "entry"}:
        fault(f"{where}: must be an object with exactly q and entry")
        continue
    q, eid = obj["q"], obj["entry"]
    labelled += 1
    if q in seen_q:
        fault(f"{where}: duplicate question")
    seen_q.add(q)
    if eid not in entries:
        fault(f"{where}: entry {eid!r} does not exist")
        continue
    e = entries[eid]
    for text in [e["title"]] + list(e["questions"]):
        run = longest_common_run(q, text)
        if run > 6:
            fault(f"{where}: shares {run} consecutive characters with {eid}: {text}")

if len(entries) < 60:
    fault(f"routes/kb: {len(entries)} entries, at least 60 wanted")
if labelled < 80:
    fault(f"{QPATH}: {labelled} questions, at least 80 wanted")

if faults:
    print("\n".join(faults), file=sys.stderr)
    sys.exit(1)
covered = len({json.loads(l)["entry"] for l in open(QPATH, encoding="utf-8") if l.strip()})
print(f"kb data: {len(entries)} entries in {len(files)} files, {labelled} labelled questions "
      f"covering {covered} entries: ok")
PY
