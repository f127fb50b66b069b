#!/usr/bin/env bash
# Egress proxy benchmark: Nono vs direct vs squid vs tinyproxy, all on 127.0.0.1 only.
#   1 GiB upload through one CONNECT tunnel, small-request latency p50/p99 through a tunnel at concurrency 1 and 64
#   (every figure is the median of 3 runs), and proxy resident memory with 1,000 idle tunnels.
# Usage: bench/proxy/run.sh            (needs root for apt; installs squid and tinyproxy if missing)
# Runtime: about 2-4 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/../.."
BYTES=${BYTES:-1073741824}
LAT1=${LAT1:-20000}
LAT64=${LAT64:-64000}
TUNNELS=${TUNNELS:-1000}

if ! command -v squid >/dev/null || ! command -v tinyproxy >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends squid tinyproxy >/dev/null
fi
ulimit -n 16384 || true

T=$(mktemp -d /tmp/nono-proxy-bench.XXXXXX)
chmod 1777 "$T"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$T"
}
trap cleanup EXIT

dotnet build -c Release -v q -nologo bench/proxy/ProxyBench >/dev/null
BENCH="dotnet bench/proxy/ProxyBench/bin/Release/net10.0/ProxyBench.dll"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_file() { for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done; echo "timeout waiting for $1" >&2; exit 1; }
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 not up" >&2; exit 1; }

# Origin server and the Nono proxy host: each exits when its stdin (a FIFO we hold open) closes.
mkfifo "$T/hold"; exec 7<>"$T/hold"
$BENCH origin "$T/origin.port" <"$T/hold" 7>&- & pids+=($!)
wait_file "$T/origin.port"; ORIGIN=$(cat "$T/origin.port") # the proxies allow exactly this port
$BENCH serve-proxy "$T/nono.port" "$ORIGIN" <"$T/hold" 7>&- & NONO_PID=$!; pids+=($NONO_PID)
# `nono` is the supervisor's default (socket continuations inline on the epoll thread, as `nono run` sets them);
# `nono-pool` the runtime's default, every socket completion handed to the thread pool (the setting before session 4).
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 $BENCH serve-proxy "$T/nono-pool.port" "$ORIGIN" <"$T/hold" 7>&- & NONOP_PID=$!; pids+=($NONOP_PID)
wait_file "$T/nono.port"; wait_file "$T/nono-pool.port"
read -r NONO_PORT NONO_TOKEN <"$T/nono.port" || true
read -r NONOP_PORT NONOP_TOKEN <"$T/nono-pool.port" || true

SQUID_PORT=$(free_port)
cat >"$T/squid.conf" <<CONF
http_port 127.0.0.1:$SQUID_PORT
http_access allow localhost
http_access deny all
cache deny all
access_log none
cache_log $T/squid-cache.log
pid_filename none
coredump_dir $T
cache_mem 8 MB
max_filedescriptors 16384
shutdown_lifetime 1 seconds
CONF
squid -N -f "$T/squid.conf" & SQUID_PID=$!; pids+=($SQUID_PID)

TINY_PORT=$(free_port)
cat >"$T/tinyproxy.conf" <<CONF
Port $TINY_PORT
Listen 127.0.0.1
Timeout 600
MaxClients 4096
LogLevel Critical
Allow 127.0.0.1
CONF
tinyproxy -d -c "$T/tinyproxy.conf" & TINY_PID=$!; pids+=($TINY_PID)
wait_port "$SQUID_PORT"; wait_port "$TINY_PORT"

declare -A PROXY=( [direct]="- - 127.0.0.1" [nono]="127.0.0.1:$NONO_PORT $NONO_TOKEN bench.test.example"
                   [nono-pool]="127.0.0.1:$NONOP_PORT $NONOP_TOKEN bench.test.example"
                   [squid]="127.0.0.1:$SQUID_PORT - 127.0.0.1" [tinyproxy]="127.0.0.1:$TINY_PORT - 127.0.0.1" )
ORDER=(direct nono nono-pool squid tinyproxy)
declare -A PID=( [direct]="" [nono]=$NONO_PID [nono-pool]=$NONOP_PID [squid]=$SQUID_PID [tinyproxy]=$TINY_PID )
declare -A MIBS=() CPU=() P50=()
TICK=$(getconf CLK_TCK)
# CPU time (user + system) of a process so far, in milliseconds; the steadier figure on a shared machine.
cpu_ms() { awk -v t="$TICK" '{ printf "%d", ($14 + $15) * 1000 / t }' "/proc/$1/stat"; }

median3() { printf "%s\n" "$@" | sort -g | sed -n 2p; }

echo "# proxy benchmark $(date -u +%FT%TZ) on $(nproc) cores, $(uname -r)"
echo
echo "| target | 1 GiB upload MiB/s | proxy CPU ms per GiB | c=1 p50 us | c=1 p99 us | c=64 p50 us | c=64 p99 us |"
echo "|---|---|---|---|---|---|---|"
for name in "${ORDER[@]}"; do
    read -r px auth host <<<"${PROXY[$name]}"
    pid=${PID[$name]}
    [ -z "$pid" ] || c0=$(cpu_ms "$pid")
    t=(); for _ in 1 2 3; do t+=("$($BENCH throughput "$px" "$auth" "$host" "$ORIGIN" "$BYTES")"); done
    cpu=-; [ -z "$pid" ] || cpu=$(( ($(cpu_ms "$pid") - c0) * 1073741824 / (3 * BYTES) ))
    a=(); b=(); c=(); d=()
    for _ in 1 2 3; do
        read -r x y <<<"$($BENCH latency "$px" "$auth" "$host" "$ORIGIN" 1 "$LAT1")"; a+=("$x"); b+=("$y")
        read -r x y <<<"$($BENCH latency "$px" "$auth" "$host" "$ORIGIN" 64 "$LAT64")"; c+=("$x"); d+=("$y")
    done
    l1p50=$(median3 "${a[@]}"); l1p99=$(median3 "${b[@]}"); l64p50=$(median3 "${c[@]}"); l64p99=$(median3 "${d[@]}")
    MIBS[$name]=$(median3 "${t[@]}"); CPU[$name]=$cpu; P50[$name]=$l1p50
    echo "| $name | ${MIBS[$name]} | $cpu | $l1p50 | $l1p99 | $l64p50 | $l64p99 |"
done
echo
verdict() { awk "BEGIN { exit !($1) }" && echo "met" || echo "NOT met"; }
pct=$(awk -v a="${MIBS[nono]}" -v b="${MIBS[direct]}" 'BEGIN { printf "%.0f", 100 * a / b }')
added=$(awk -v a="${P50[nono]}" -v b="${P50[direct]}" 'BEGIN { printf "%.1f", a - b }')
echo "target: nono throughput >= 90% of direct: ${MIBS[nono]} vs ${MIBS[direct]} MiB/s = ${pct}% -> $(verdict "$pct >= 90")"
echo "target: nono c=1 p50 added latency < 200 us: +${added} us -> $(verdict "$added < 200")"
echo "target: nono throughput ahead of squid and tinyproxy: ${MIBS[nono]} vs ${MIBS[squid]} / ${MIBS[tinyproxy]} MiB/s -> $(verdict "${MIBS[nono]} > ${MIBS[squid]} && ${MIBS[nono]} > ${MIBS[tinyproxy]}")"
echo "target: nono c=1 p50 ahead of squid and tinyproxy: ${P50[nono]} vs ${P50[squid]} / ${P50[tinyproxy]} us -> $(verdict "${P50[nono]} < ${P50[squid]} && ${P50[nono]} < ${P50[tinyproxy]}")"
echo "(proxy CPU per GiB: nono ${CPU[nono]} ms, nono-pool ${CPU[nono-pool]} ms, squid ${CPU[squid]} ms, tinyproxy ${CPU[tinyproxy]} ms)"
echo
echo "| proxy | RSS before (KiB) | RSS with $TUNNELS idle tunnels (KiB) |"
echo "|---|---|---|"
for name in nono squid tinyproxy; do
    read -r px auth host <<<"${PROXY[$name]}"
    case $name in nono) pid=$NONO_PID ;; squid) pid=$SQUID_PID ;; tinyproxy) pid=$TINY_PID ;; esac
    read -r before after <<<"$($BENCH tunnels "$px" "$auth" "$host" "$ORIGIN" "$TUNNELS" "$pid")"
    echo "| $name | $before | $after |"
done
exec 7>&-
