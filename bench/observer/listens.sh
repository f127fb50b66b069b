#!/usr/bin/env bash
# Cost of the landlock-tcp tier's listen guard: every listen(2) now goes to the supervisor, which listens on a
# pidfd_getfd copy of the socket. Inside `nono run` (proxy mode, tier forced to landlock-tcp), a python loop calls
# listen(2) N times on a bound, listening UNIX socket (legal: it only updates the backlog) and N times on an unbound TCP
# socket (refused: EACCES with the guard; it autobinds once without it), and prints the mean time per call. Each variant
# runs under `perf stat -e task-clock,context-switches` (the whole tree: nono, its proxy, the command).
# Usage: bash bench/observer/listens.sh [nono ...]   (default: an AOT build of this tree in artifacts/bench/observer)
# N defaults to 2000. Needs: perf, python3. Opens no network connection.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${OUT:-$root/artifacts/bench/observer}
mkdir -p "$out"
n=${N:-2000}
if [ $# -eq 0 ]; then
    aot="$out/nono-aot"
    if [ ! -x "$aot/nono" ] || [ -n "${REBUILD:-}" ]; then
        dotnet publish "$root/src/Nono.Action" -c Release -r linux-x64 -p:PublishAot=true -o "$aot" > "$out/publish.log" || { cat "$out/publish.log"; exit 1; }
    fi
    set -- "$aot/nono"
fi
command -v perf >/dev/null || { echo "bench: perf is not installed" >&2; exit 1; }

work=$(mktemp -d)
chmod 755 "$work"
mkdir "$work/sock" # not directly in $work: the state directory's deny is carved out of it, so nothing can be created there
export XDG_STATE_HOME="$work/state"
trap 'rm -rf "$work"' EXIT
cat > "$work/loop.py" <<'PY'
import ctypes, os, socket, sys, time
n, work = int(sys.argv[1]), sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
def loop(fd):
    start = time.perf_counter()
    for _ in range(n):
        libc.listen(fd, 8)
    return (time.perf_counter() - start) / n * 1e6
path = os.path.join(work, "bench-%d.sock" % os.getpid())
u = socket.socket(socket.AF_UNIX); u.bind(path); u.listen(8)
print("unix listen:         %.1f us" % loop(u.fileno()))
t = socket.socket()
print("unbound tcp listen:  %.1f us" % loop(t.fileno()))
os.unlink(path)
PY

for nono in "$@"; do
    for audit in "" "--no-audit"; do
        echo "== $nono ${audit:-(audit)}"
        NONO_NETWORK_TIER=landlock-tcp perf stat -e task-clock,context-switches -- "$nono" run --allow-domain example.test \
            --allow-weaker proxy-without-netns --allow-unix-sockets --allow "$work" $audit -- /usr/bin/python3 "$work/loop.py" "$n" "$work/sock" 2>&1 \
            | grep -E "listen:|task-clock|context-switches"
    done
done
