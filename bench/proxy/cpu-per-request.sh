#!/usr/bin/env bash
# Proxy CPU and context switches per small request at c=1 (relative check for a shared machine): nono (the
# supervisor default, inline socket continuations), nono-pool (thread-pool continuations), squid, tinyproxy.
# Context switches of tinyproxy are not comparable: its per-connection threads exit, taking their counts with them.
# Usage: bench/proxy/cpu-per-request.sh   (N=20000 requests per sample, 2 samples each; needs squid and tinyproxy)
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release -v q -nologo bench/proxy/ProxyBench >/dev/null
T=$(mktemp -d); chmod 1777 $T; mkfifo $T/hold; exec 7<>$T/hold
B="dotnet bench/proxy/ProxyBench/bin/Release/net10.0/ProxyBench.dll"
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
$B origin $T/o <$T/hold 7>&- & P1=$!
for _ in $(seq 200); do [ -s $T/o ] && break; sleep 0.05; done; O=$(cat $T/o) # the proxies allow exactly this port
$B serve-proxy $T/n $O <$T/hold 7>&- 2>/dev/null & P2=$!
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 $B serve-proxy $T/p $O <$T/hold 7>&- 2>/dev/null & P3=$!
SQ=$(free_port); cat >$T/squid.conf <<CONF
http_port 127.0.0.1:$SQ
http_access allow localhost
http_access deny all
cache deny all
access_log none
cache_log $T/squid-cache.log
pid_filename none
coredump_dir $T
cache_mem 8 MB
shutdown_lifetime 1 seconds
CONF
squid -N -f $T/squid.conf & P4=$!
TP=$(free_port); printf 'Port %s\nListen 127.0.0.1\nTimeout 600\nMaxClients 4096\nLogLevel Critical\nAllow 127.0.0.1\n' $TP >$T/tiny.conf
tinyproxy -d -c $T/tiny.conf & P5=$!
for f in n p; do for _ in $(seq 200); do [ -s $T/$f ] && break; sleep 0.05; done; done
sleep 2
O=$(cat $T/o); read -r NP NT <$T/n || true; read -r PP PT <$T/p || true
N=${N:-20000}; TICK=$(getconf CLK_TCK)
# CPU and context switches of a process and its children/threads (tinyproxy and squid may fork).
tree() { echo $1; pgrep -P $1 || true; }
cpu() { local s=0; for p in $(tree $1); do s=$(( s + $(awk '{print $14+$15+$16+$17}' /proc/$p/stat 2>/dev/null || echo 0) )); done; echo $(( s*1000/TICK )); }
cs() { local s=0; for p in $(tree $1); do s=$(( s + $(awk '/ctxt_switches/ {s+=$2} END {print s+0}' /proc/$p/task/*/status 2>/dev/null || echo 0) )); done; echo $s; }
for round in 1 2; do
for spec in "nono $P2 127.0.0.1:$NP $NT bench.test.example" "nono-pool $P3 127.0.0.1:$PP $PT bench.test.example" "squid $P4 127.0.0.1:$SQ - 127.0.0.1" "tinyproxy $P5 127.0.0.1:$TP - 127.0.0.1"; do
  read -r name pid px tok host <<<"$spec"
  $B latency $px $tok $host $O 1 2000 >/dev/null
  c0=$(cpu $pid); s0=$(cs $pid)
  r=$($B latency $px $tok $host $O 1 $N)
  c1=$(cpu $pid); s1=$(cs $pid)
  echo "$name round$round: p50/p99 us=$r proxy_cpu_us_per_req=$(( (c1-c0)*1000/N )) ctxsw_per_req=$(awk -v a=$s0 -v b=$s1 -v n=$N 'BEGIN{printf "%.2f",(b-a)/n}')"
done; done
echo "direct: $($B latency - - 127.0.0.1 $O 1 $N)"
kill $P4 $P5 2>/dev/null || true
exec 7>&-; wait; rm -rf $T
