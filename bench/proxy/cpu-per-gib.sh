#!/usr/bin/env bash
# CPU per GiB of the client, the origin and the proxy for one upload (BYTES, default 1 GiB), direct and through
# nono (inline continuations, the default) and nono-pool; 3 rounds. The client figure includes its ~0.17 s start-up.
# Usage: bench/proxy/cpu-per-gib.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
dotnet build -c Release -v q -nologo bench/proxy/ProxyBench >/dev/null
T=$(mktemp -d); mkfifo $T/hold; exec 7<>$T/hold
B="dotnet bench/proxy/ProxyBench/bin/Release/net10.0/ProxyBench.dll"
$B origin $T/o <$T/hold 7>&- & P1=$!
for _ in $(seq 200); do [ -s $T/o ] && break; sleep 0.05; done; O=$(cat $T/o) # the proxies allow exactly this port
$B serve-proxy $T/n $O <$T/hold 7>&- 2>/dev/null & P2=$!
DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=0 $B serve-proxy $T/p $O <$T/hold 7>&- 2>/dev/null & P3=$!
for f in n p; do for _ in $(seq 200); do [ -s $T/$f ] && break; sleep 0.05; done; done
O=$(cat $T/o); read -r NP NT <$T/n || true; read -r PP PT <$T/p || true
BYTES=${BYTES:-1073741824}
TICK=$(getconf CLK_TCK)
cpu() { awk -v t=$TICK '{ printf "%d", ($14+$15)*1000/t }' /proc/$1/stat; }
for round in 1 2 3; do
for spec in "direct - - 127.0.0.1 0" "nono 127.0.0.1:$NP $NT bench.test.example $P2" "pool 127.0.0.1:$PP $PT bench.test.example $P3"; do
  read -r name px tok host pid <<<"$spec"
  o0=$(cpu $P1); [ "$pid" = 0 ] || x0=$(cpu $pid)
  out=$( { /usr/bin/time -f "%U %S" $B throughput $px $tok $host $O $BYTES; } 2>&1 )
  mibs=$(echo "$out" | head -1); read -r cu cs <<<"$(echo "$out" | tail -1)"
  o1=$(cpu $P1); x=-; [ "$pid" = 0 ] || x=$(( ($(cpu $pid)-x0) * 1073741824 / BYTES ))
  client=$(awk -v u=$cu -v s=$cs -v b=$BYTES 'BEGIN{printf "%d", (u+s)*1000*1073741824/b}')
  echo "$name round$round: MiB/s=$mibs client_ms_per_GiB=$client origin_ms_per_GiB=$(( (o1-o0)*1073741824/BYTES )) proxy_ms_per_GiB=$x"
done; done
exec 7>&-; wait; rm -rf $T
