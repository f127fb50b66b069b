#!/usr/bin/env bash
# c=1 latency and CPU per small request through a credential route (http://127.0.0.1:PORT/bench/... -> a local HTTPS
# origin with a certificate made at start), all in one process on 127.0.0.1. Prints the median of 3 runs of N requests.
#   BEFORE=/path/to/other/checkout  also runs that checkout's ProxyBench (e.g. main, for before/after; it needs the
#                                   reverse-latency mode files copied in: TlsOrigin.cs, ReverseLatency.cs, Program.cs)
# Usage: bench/proxy/reverse-latency.sh        (N=2000 by default)
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-2000}
run() {
    local root=$1 name=$2
    dotnet build -c Release -v q -nologo "$root/bench/proxy/ProxyBench" >/dev/null
    local p50=() p99=() cpu=() conns=()
    for _ in 1 2 3; do
        read -r a b c d <<<"$(dotnet "$root/bench/proxy/ProxyBench/bin/Release/net10.0/ProxyBench.dll" reverse-latency "$N")"
        p50+=("$a"); p99+=("$b"); cpu+=("$c"); conns+=("$d")
    done
    med() { printf "%s\n" "$@" | sort -g | sed -n 2p; }
    echo "| $name | $(med "${p50[@]}") | $(med "${p99[@]}") | $(med "${cpu[@]}") | $(med "${conns[@]}") |"
}
echo "# reverse-route latency, c=1, $N requests per run, $(date -u +%FT%TZ), $(nproc) cores"
echo
echo "| build | p50 us | p99 us | process CPU us/request (client+proxy+origin) | origin TLS connections per run |"
echo "|---|---|---|---|---|"
[ -z "${BEFORE:-}" ] || run "$BEFORE" before
run . this
