#!/usr/bin/env bash
# Cost of observing filesystem denials: nono run with --fs-observer off / on (seccomp observer), on a file-heavy
# command, and (root, kernel audit turned on for the run and restored) the Landlock audit reader.
# Usage: bash bench/observer/run.sh [results-dir]   Needs: hyperfine. Runs only local commands; no network.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$root/artifacts/bench/observer}
mkdir -p "$out"
command -v hyperfine >/dev/null || { echo "bench: hyperfine is not installed (apt-get install -y hyperfine)" >&2; exit 1; }

aot="$out/nono-aot"
if [ ! -x "$aot/nono" ] || [ -n "${REBUILD:-}" ]; then
    dotnet publish "$root/src/Nono.Action" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" > "$out/publish.log" || { cat "$out/publish.log"; exit 1; }
fi
nono="$aot/nono"

# File-heavy: read every file of a copy of a real tree (the .NET runtime folder, ~1,000 files): one openat each,
# plus the loader's opens of every cat/sha256sum started.
work=$(mktemp -d)
export XDG_STATE_HOME="$work/state"
trap 'rm -rf "$work"' EXIT
cp -r "$(dirname "$(readlink -f "$(command -v dotnet)")")/shared" "$work/tree"
files=$(find "$work/tree" -type f | wc -l)
heavy="find $work/tree -type f -exec cat {} + > /dev/null"
ro_sys=(--read /usr --read /bin --read /lib --read /etc)
[ -d /lib64 ] && ro_sys+=(--read /lib64)
run="$nono run -s --block-net ${ro_sys[*]} --allow $work"

hyperfine --warmup 2 --min-runs 15 --export-json "$out/heavy.json" --export-markdown "$out/heavy.md" \
    -n bare "sh -c '$heavy'" \
    -n "observer off" "$run --fs-observer off -- sh -c '$heavy'" \
    -n "seccomp observer" "$run --fs-observer on -- sh -c '$heavy'"

hyperfine --warmup 5 --min-runs 40 -N --export-json "$out/true.json" --export-markdown "$out/true.md" \
    -n "observer off" "$run --fs-observer off -- /bin/true" \
    -n "seccomp observer" "$run --fs-observer on -- /bin/true"

# Landlock audit (root only): the reader costs nothing per call; what it adds is the wait for queued records at the end.
if [ "$(id -u)" = 0 ] && python3 - <<'PY'
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9); s.bind((0, 0))
s.send(struct.pack("=IHHII", 16, 1000, 1, 1, 0)); d = s.recv(65536)
sys.exit(0 if struct.unpack("=8I", d[16:48])[1] == 0 else 1)
PY
then
    set_audit() {
        python3 -c "import socket,struct;s=socket.socket(socket.AF_NETLINK,socket.SOCK_RAW,9);s.bind((0,0));p=struct.pack('=8I',1,$1,0,0,0,0,0,0);s.send(struct.pack('=IHHII',16+len(p),1001,5,1,0)+p);s.recv(4096)"
    }
    set_audit 1
    trap 'set_audit 0; rm -rf "$work"' EXIT
    hyperfine --warmup 2 --min-runs 15 --export-json "$out/landlock.json" --export-markdown "$out/landlock.md" \
        -n "landlock-audit, heavy" "$run --fs-observer auto -- sh -c '$heavy'" \
        -n "landlock-audit, /bin/true" "$run --fs-observer auto -- /bin/true"
fi

echo "files read: $files; results in $out"
cat "$out"/heavy.md "$out"/true.md "$out"/landlock.md 2>/dev/null || true
