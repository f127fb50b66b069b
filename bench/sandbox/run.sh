#!/usr/bin/env bash
# Sandbox start-up and file-heavy overhead: bare vs nono (NativeAOT) vs bubblewrap, each part in one hyperfine run.
# Usage: bash bench/sandbox/run.sh [results-dir]     (NONO=/path/to/nono skips the publish)
# Needs: hyperfine, bubblewrap, python3 (apt-get install -y hyperfine bubblewrap python3). Local commands only.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/artifacts/bench/sandbox}
mkdir -p "$out"
for tool in hyperfine bwrap python3; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is not installed (apt-get install -y hyperfine bubblewrap python3)" >&2; exit 1; }
done

nono=${NONO:-}
if [ -z "$nono" ]; then
    aot="$out/nono-aot"
    dotnet publish "$root/src/Nono.Action" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" > "$out/publish.log" || { cat "$out/publish.log"; exit 1; }
    nono="$aot/nono"
fi

# Audit sessions go to a throw-away state directory, so the ledger does not grow across benchmark runs.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_STATE_HOME="$work/state"

# Comparable policies: read-only system, the work folder writable, no network.
ro_sys=(--read /usr --read /bin --read /lib --read /etc)
[ -d /lib64 ] && ro_sys+=(--read /lib64)
bw_sys=(--ro-bind /usr /usr --ro-bind /bin /bin --ro-bind /lib /lib --ro-bind /etc /etc --dev /dev --proc /proc)
[ -d /lib64 ] && bw_sys+=(--ro-bind /lib64 /lib64)

hyperfine --warmup "${TRUE_WARMUP:-20}" --min-runs "${TRUE_RUNS:-200}" -N --export-json "$out/true.json" --export-markdown "$out/true.md" \
    -n bare '/bin/true' \
    -n "nono --version" "$nono --version" \
    -n "nono run" "$nono run -s --block-net ${ro_sys[*]} -- /bin/true" \
    -n "nono run --no-audit" "$nono run -s --no-audit --block-net ${ro_sys[*]} -- /bin/true" \
    -n "nono wrap" "$nono wrap -s --block-net ${ro_sys[*]} -- /bin/true" \
    -n "bwrap" "bwrap --unshare-net ${bw_sys[*]} /bin/true"

# CPU time and page faults per run of the same commands (steadier than wall time on a shared machine).
python3 "$root/bench/sandbox/faults.py" "${FAULT_RUNS:-30}" "$out/faults.json" \
    "bare=/bin/true" \
    "nono --version=$nono --version" \
    "nono run=$nono run -s --block-net ${ro_sys[*]} -- /bin/true" \
    "nono run --no-audit=$nono run -s --no-audit --block-net ${ro_sys[*]} -- /bin/true" \
    "nono wrap=$nono wrap -s --block-net ${ro_sys[*]} -- /bin/true" \
    "bwrap=bwrap --unshare-net ${bw_sys[*]} /bin/true" > "$out/faults.md"

# File-heavy: a tree of FILES small files (4 KiB) copied, read back and deleted ROUNDS times (files.sh). Two
# workload sizes separate the fixed start-up cost (intercept) from the per-file cost (slope).
files=${FILES:-5000}
tree="$work/tree"
mkdir -p "$tree" "$work/scratch"
per_dir=100
for d in $(seq 1 $(( (files + per_dir - 1) / per_dir ))); do
    mkdir "$tree/d$d"
    head -c $(( per_dir * 4096 )) /dev/urandom | split -b 4096 -a 3 - "$tree/d$d/f"
done
cp "$root/bench/sandbox/files.sh" "$work/files.sh"
small=${SMALL_ROUNDS:-1}
large=${LARGE_ROUNDS:-5}
cmds=()
for rounds in "$small" "$large"; do
    job="sh $work/files.sh $tree $work/scratch $rounds"
    cmds+=(-n "bare x$rounds" "$job")
    cmds+=(-n "nono run x$rounds" "$nono run -s --block-net ${ro_sys[*]} --allow $work -- $job")
    cmds+=(-n "bwrap x$rounds" "bwrap --unshare-net ${bw_sys[*]} --bind $work $work $job")
done
hyperfine --warmup 2 --min-runs "${HEAVY_RUNS:-10}" -N --export-json "$out/heavy.json" --export-markdown "$out/heavy.md" "${cmds[@]}"

# Wall medians and CPU (user + system, which the other tenants of a shared machine disturb less) per command, and
# for the file-heavy part a line through the two workload sizes: intercept = fixed cost, slope = cost per round.
python3 - "$out" "$small" "$large" "$files" > "$out/summary.md" <<'PY'
import json, sys
out, small, large, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def load(name):
    return {r["command"]: r for r in json.load(open(f"{out}/{name}.json"))["results"]}
cpu = lambda r: r["user"] + r["system"]
true = load("true")
print("| Command | wall median [ms] | wall mean [ms] | CPU user+sys [ms] | wall over bare [ms] |")
print("|:---|---:|---:|---:|---:|")
for name, r in true.items():
    print(f"| {name} | {r['median'] * 1e3:.1f} | {r['mean'] * 1e3:.1f} | {cpu(r) * 1e3:.1f} | "
          f"{(r['median'] - true['bare']['median']) * 1e3:+.1f} |")
heavy = load("heavy")
def fit(name, value):
    a, b = value(heavy[f"{name} x{small}"]), value(heavy[f"{name} x{large}"])
    slope = (b - a) / (large - small)
    return slope, a - slope * small
print(f"\nFile-heavy: one round = {files} files created, read back and deleted (bench/sandbox/files.sh); "
      f"{small} and {large} rounds.\n")
print("| Command | measure | fixed cost [ms] | fixed over bare [ms] | per round [ms] | per file [µs] | per-file ratio vs bare |")
print("|:---|:---|---:|---:|---:|---:|---:|")
for label, value in (("wall median", lambda r: r["median"]), ("CPU user+sys", cpu)):
    bare_slope, bare_fixed = fit("bare", value)
    for name in ("bare", "nono run", "bwrap"):
        slope, fixed = fit(name, value)
        print(f"| {name} | {label} | {fixed * 1e3:.1f} | {(fixed - bare_fixed) * 1e3:+.1f} | {slope * 1e3:.1f} | "
              f"{slope / files * 1e6:.2f} | {slope / bare_slope:.3f} |")

# The issue's targets, each with its verdict (wall medians; the per-file cost from the line through the two sizes).
over = (true["nono run"]["median"] - true["bare"]["median"]) * 1e3
print("\nTargets:")
print(f"target: nono run -- /bin/true adds at most 3 ms over bare: {over:+.1f} ms -> {'MET' if over <= 3 else 'NOT MET'}")
ratio = true["nono run"]["median"] / true["bwrap"]["median"]
print(f"target: nono run no slower than bwrap: {true['nono run']['median'] * 1e3:.1f} ms vs {true['bwrap']['median'] * 1e3:.1f} ms "
      f"({ratio:.2f}x) -> {'MET' if ratio <= 1 else 'NOT MET'}")
nono_slope, bare_slope = fit("nono run", lambda r: r["median"])[0], fit("bare", lambda r: r["median"])[0]
if nono_slope <= 0 or bare_slope <= 0:
    print("target: file-heavy work inside within 3% of outside: not measurable (a per-round cost came out <= 0: noise)")
else:
    per_file = nono_slope / bare_slope - 1
    print(f"target: file-heavy work inside within 3% of outside (per-file wall cost): {per_file * 100:+.1f}% -> "
          f"{'MET' if per_file <= 0.03 else 'NOT MET'}")
PY

echo "results in $out"
cat "$out/true.md" "$out/faults.md" "$out/heavy.md" "$out/summary.md"   # summary.md ends with the target lines
