#!/usr/bin/env bash
# Sandbox start-up and file-heavy overhead: bare vs nono (NativeAOT) vs bubblewrap, in one hyperfine run.
# Usage: bash bench/sandbox/run.sh [results-dir]
# Needs: hyperfine, bubblewrap (apt-get install -y hyperfine bubblewrap). Runs only local commands; no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/artifacts/bench/sandbox}
mkdir -p "$out"
command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (apt-get install -y hyperfine)" >&2; exit 1; }
command -v bwrap >/dev/null || { echo "bench: bwrap is not installed (apt-get install -y bubblewrap)" >&2; exit 1; }

aot="$out/nono-aot"
dotnet publish "$root/src/Nono.Action" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" > "$out/publish.log" || { cat "$out/publish.log"; exit 1; }
nono="$aot/nono"

# A file-heavy workload: hash every file of a copy of a real tree (the .NET runtime folder).
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$(dirname "$(readlink -f "$(command -v dotnet)")")/shared" "$work/tree"
heavy="find $work/tree -type f -exec sha256sum {} + > /dev/null"

# Comparable policies: read-only system, the work folder writable, no network.
ro_sys=(--read /usr --read /bin --read /lib --read /etc)
[ -d /lib64 ] && ro_sys+=(--read /lib64)
bw_sys=(--ro-bind /usr /usr --ro-bind /bin /bin --ro-bind /lib /lib --ro-bind /etc /etc --dev /dev --proc /proc)
[ -d /lib64 ] && bw_sys+=(--ro-bind /lib64 /lib64)

hyperfine --warmup 20 --min-runs 200 -N --export-json "$out/true.json" --export-markdown "$out/true.md" \
    -n bare '/bin/true' \
    -n "nono run" "$nono run -s --block-net ${ro_sys[*]} -- /bin/true" \
    -n "nono run --no-audit" "$nono run -s --no-audit --block-net ${ro_sys[*]} -- /bin/true" \
    -n "nono wrap" "$nono wrap -s --block-net ${ro_sys[*]} -- /bin/true" \
    -n "bwrap" "bwrap --unshare-net ${bw_sys[*]} /bin/true"

hyperfine --warmup 2 --min-runs 10 --export-json "$out/heavy.json" --export-markdown "$out/heavy.md" \
    -n bare "sh -c '$heavy'" \
    -n "nono run" "$nono run -s --block-net ${ro_sys[*]} --allow $work -- sh -c '$heavy'" \
    -n "bwrap" "bwrap --unshare-net ${bw_sys[*]} --bind $work $work sh -c '$heavy'"

echo "results in $out"
cat "$out/true.md" "$out/heavy.md"
