#!/usr/bin/env bash
# Where `nono run -- /bin/true` spends CPU and page faults in the launcher's fork chain (supervisor thread -> [relay ->]
# init -> command), per process, from perf samples: counts and CPU shares, not wall time, so it reads the same on a
# shared machine. Usage: bash bench/sandbox/forkchain.sh [nono binary] (default: $NONO, else the repository's AOT
# publish in artifacts/publish/linux-x64); RUNS=10 by default.
# Needs perf with access to page-fault and cpu-clock events (root, or perf_event_paranoid <= 1).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
NONO="${1:-${NONO:-$root/artifacts/publish/linux-x64/nono}}"
[ -x "$NONO" ] || { echo "forkchain.sh: $NONO is not an executable nono (publish it, or pass its path)" >&2; exit 1; }
RUNS="${RUNS:-10}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
command -v perf >/dev/null || { echo "forkchain.sh: perf is not installed" >&2; exit 1; }
"$NONO" run -- /bin/true 2>/dev/null || { echo "forkchain.sh: $NONO run -- /bin/true failed" >&2; exit 1; }

for i in $(seq 1 "$RUNS"); do
  perf record -q -e page-faults -c 1 -o "$WORK/pf.$i" -- "$NONO" run -- /bin/true >/dev/null 2>&1
  perf script -i "$WORK/pf.$i" -F pid,tid,comm 2>/dev/null > "$WORK/pf.$i.txt"
  perf record -q -F 20000 -g -o "$WORK/cpu.$i" -- "$NONO" run -- /bin/true >/dev/null 2>&1
  perf script -i "$WORK/cpu.$i" -F pid,tid,comm,ip,sym 2>/dev/null > "$WORK/cpu.$i.txt"
  perf stat -x, -e task-clock,page-faults -o "$WORK/stat.$i" -- "$NONO" run -- /bin/true >/dev/null 2>&1
done

python3 - "$WORK" "$RUNS" <<'EOF'
import collections, re, sys
work, runs = sys.argv[1], int(sys.argv[2])

def header(line):
    """perf script's "comm pid/tid" line -> (pid, tid, comm); comm may hold spaces."""
    m = re.match(r"\s*(.+?)\s+(\d+)/(\d+)\s*$", line)
    return int(m.group(2)), int(m.group(3)), m.group(1)

def role_map(rows):
    """(pid, tid, comm) rows -> role per (pid, tid): the main process, its supervisor thread, relay, init, command."""
    main = rows[0][0]
    children = sorted({p for p, t, c in rows if p != main})
    # Session 5: the PID-namespace tier clones its init straight from the supervisor (no relay): two children.
    names = ["relay", "init", "command"] if len(children) >= 3 else ["init", "command"] if len(children) == 2 else ["child"]
    roles = {}
    for p, t, c in rows:
        if p == main:
            roles[(p, t)] = "supervisor thread" if c == "nono-supervisor" else "nono (other threads)"
        else:
            i = children.index(p)
            name = names[i] if i < len(names) else f"child {i}"
            roles[(p, t, c == "nono-supervisor")] = name if c == "nono-supervisor" else name + " after exec"
    return roles

def role(roles, p, t, c, main):
    return roles[(p, t)] if p == main else roles[(p, t, c == "nono-supervisor")]

faults = collections.Counter()
for i in range(1, runs + 1):
    rows = [header(l) for l in open(f"{work}/pf.{i}.txt") if l.strip()]
    roles = role_map(rows)
    for p, t, c in rows:
        faults[role(roles, p, t, c, rows[0][0])] += 1

cats = [("NoGC-region GC", "StartNoGCRegion"), ("fork page-table copy", "dup_mm"), ("exec/exit mm teardown", "exit_mmap"),
        ("page faults", "exc_page_fault")]
cpu = collections.defaultdict(collections.Counter)
total = 0
for i in range(1, runs + 1):
    samples, cur = [], None
    for line in open(f"{work}/cpu.{i}.txt"):
        if not line.strip():
            if cur: samples.append(cur)
            cur = None
        elif cur is None:
            cur = [*header(line), []]
        else:
            cur[3].append(line.strip())
    if cur: samples.append(cur)
    roles = role_map([(p, t, c) for p, t, c, _ in samples])
    for p, t, c, stack in samples:
        r = role(roles, p, t, c, samples[0][0])
        s = " ".join(stack)
        cpu[r]["all"] += 1
        total += 1
        for name, key in cats:
            if key in s:
                cpu[r][name] += 1
                break

clock = fl = 0.0
for i in range(1, runs + 1):
    for line in open(f"{work}/stat.{i}"):
        f = line.split(",")
        if len(f) > 2 and f[2].startswith("task-clock"): clock += float(f[0])
        if len(f) > 2 and f[2].startswith("page-faults"): fl += float(f[0])
print(f"nono run -- /bin/true, {runs} runs: task-clock {clock / runs:.1f} ms, page faults {fl / runs:.0f} (perf stat means)")
print("page faults per run, by process:")
for r, n in sorted(faults.items(), key=lambda kv: -kv[1]):
    print(f"  {r:24s} {n / runs:7.1f}")
print("CPU samples (20 kHz), share of all samples, by process [and by kind inside it]:")
for r, c in sorted(cpu.items(), key=lambda kv: -kv[1]["all"]):
    kinds = ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in c.most_common() if k != "all")
    print(f"  {r:24s} {100 * c['all'] / total:5.1f}%   [{kinds}]")
chain = sum(c["all"] for r, c in cpu.items() if r not in ("nono (other threads)",) and not r.endswith("after exec"))
print(f"fork chain (supervisor thread + relay + init + command before exec): {100 * chain / total:.1f}% of CPU samples")
EOF
