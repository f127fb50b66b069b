#!/usr/bin/env bash
# Cost of recording refused connects in the landlock-tcp tier: every connect(2) now goes to the supervisor.
# Inside `nono run` (proxy mode, tier forced to landlock-tcp), a python loop makes N TCP connects to the proxy's port
# (allowed: continued) and N to another loopback port (refused: EACCES), and prints the mean time per connect. Each
# variant runs under `perf stat -e task-clock` (the whole process tree: nono, its proxy, the command).
# Usage: bash bench/observer/connects.sh [nono ...]   (default: an AOT build of this tree in artifacts/bench/observer)
# N defaults to 1000. Needs: perf, python3. Talks only to loopback.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/artifacts/bench/observer}
mkdir -p "$out"
n=${N:-1000}
if [ $# -eq 0 ]; then
    aot="$out/nono-aot"
    if [ ! -x "$aot/nono" ] || [ -n "${REBUILD:-}" ]; then
        dotnet publish "$root/src/Nono.Action" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" > "$out/publish.log" || { cat "$out/publish.log"; exit 1; }
    fi
    set -- "$aot/nono"
fi
command -v perf >/dev/null || { echo "bench: perf is not installed" >&2; exit 1; }

work=$(mktemp -d)
export XDG_STATE_HOME="$work/state"
trap 'kill "$listener" 2>/dev/null || true; rm -rf "$work"' EXIT
# A listener on another loopback port: the refused connects never reach it (Landlock refuses before any packet).
python3 -u -c 'import socket,time;s=socket.socket();s.bind(("127.0.0.1",0));s.listen();print(s.getsockname()[1]);time.sleep(3600)' > "$work/port" &
listener=$!
until [ -s "$work/port" ]; do sleep 0.05; done
other=$(cat "$work/port")
cat > "$work/loop.py" <<'PY'
import os, socket, sys, time, urllib.parse
n, other = int(sys.argv[1]), int(sys.argv[2])
proxy = urllib.parse.urlsplit(os.environ["HTTP_PROXY"]).port
def loop(port):
    start = time.perf_counter()
    for _ in range(n):
        s = socket.socket()
        try:
            s.connect(("127.0.0.1", port))
        except OSError:
            pass
        s.close()
    return (time.perf_counter() - start) / n * 1e6
print("proxy-port connect: %.1f us" % loop(proxy))
print("refused connect:    %.1f us" % loop(other))
PY

for nono in "$@"; do
    for audit in "" "--no-audit"; do
        echo "== $nono ${audit:-(audit)}"
        NONO_NETWORK_TIER=landlock-tcp perf stat -e task-clock,context-switches -- "$nono" run --allow-domain example.test \
            --allow-weaker proxy-without-netns --allow "$work" $audit -- /usr/bin/python3 "$work/loop.py" "$n" "$other" 2>&1 \
            | grep -E "connect:|task-clock|context-switches"
    done
done
