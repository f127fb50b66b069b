#!/bin/sh
# Guest side of .ci/verify-arm64: nono's enforcement checks, run by /init once as root and once as uid 65534.
# Every check proves both sides (the attack fails, the legitimate path works) and prints one line,
# "PASS user/name" or "FAIL user/name (detail)"; the host counts them from the serial console.
who=$1
H=$HOME
OUT=/tmp/outside-$who # owned by the user too, so only the sandbox keeps it out of reach
SYS="--read /bin --read /usr --read /lib --read /etc --read /proc --allow-file /dev/null"
export NONO_PROFILE=$H/empty-profile.json TMPDIR=$H LC_ALL=C PATH=/usr/bin:/bin
echo '{ "meta": { "name": "verify-empty" } }' >"$NONO_PROFILE"
mkdir -p "$H/data" "$H/work" "$OUT"

pass() { echo "PASS $who/$1"; }
fail() { echo "FAIL $who/$1 ($(echo "$2" | tr '\n' '|' | cut -c1-300))"; }
# verdict NAME DETAIL CONDITION...: PASS when the shell condition holds.
verdict() { n=$1 d=$2; shift 2; if "$@"; then pass "$n"; else fail "$n" "$d"; fi; }
has() { case "$2" in *"$1"*) return 0 ;; esac; return 1; }
lacks() { ! has "$1" "$2"; }
all() { for c in "$@"; do eval "$c" || return 1; done; }
secret() { tr -dc a-f0-9 </dev/urandom | head -c 32; }
# run [ENV=VALUE...] -- nono run options and command: stdout to $o, stderr to $e, exit code to $rc.
run() { o=$(env "$@" 2>"$H/stderr"); rc=$?; e=$(cat "$H/stderr"); }
sandbox() { run nono run -s $SYS "$@"; }

# 1. setup: built for and running on arm64, with an enforceable Landlock ABI.
run nono setup --check-only
abi=$(echo "$o" | sed -n 's/^landlock ABI: \([0-9]*\).*/\1/p')
echo "INFO $who setup: $(echo "$o" | grep -E '^(kernel|landlock ABI|seccomp filter|tier|sandbox|network tier[^:]*|process containment):' | tr '\n' ';')"
# ABI 6 is the full tier; on an older kernel setup may also say what is missing and exit 1 until that is accepted.
want='[ $rc -eq 0 ] && has "sandbox: enforceable" "$o"'
[ "${abi:-0}" -ge 6 ] || want="{ $want; } || { [ \$rc -eq 1 ] && has 'NOT enforceable without a weaker-mode opt-in' \"\$o\"; }"
verdict setup "rc=$rc $o $e" all "$want" 'echo "$o" | grep -q "^kernel: .*(arm64)$"' '[ "${abi:-0}" -ge 1 ]'
# Below the full tier (ABI 6) nono refuses to run until the missing protections are accepted by name; the checks then
# run with exactly those opt-ins, as a user of that kernel would (the x64 tier tests accept the same; dev-ioctl too,
# because the credential check runs the default profile, which grants devices).
weak=""
[ "${abi:-0}" -lt 6 ] && weak="--allow-weaker unscoped-signals"
[ "${abi:-0}" -lt 5 ] && weak="$weak --allow-weaker unrestricted-dev-ioctl"
[ "${abi:-0}" -lt 3 ] && weak="$weak --allow-weaker unrestricted-truncate"
SYS_ONLY=$SYS
SYS="$SYS $weak"
echo "INFO $who weaker modes accepted for this kernel: ${weak:-none}"

# 2. Read grant: the granted file reads; a file outside every grant and a write into the read-only grant do not.
s=$(secret); echo "$s" >"$H/data/file"; o2=$(secret); echo "$o2" >"$OUT/s"
sandbox --read "$H/data" -- cat "$H/data/file"
verdict read-granted "rc=$rc $o $e" all '[ $rc -eq 0 ]' 'has "$s" "$o"'
sandbox --read "$H/data" -- sh -c "cat $OUT/s || echo read-denied; echo x >$H/data/new || echo write-denied"
verdict read-outside-denied "rc=$rc $o $e" all 'has read-denied "$o"' 'lacks "$o2" "$o"' 'has write-denied "$o"' '[ ! -e "$H/data/new" ]'
verdict read-outside-unsandboxed "the file itself is readable" has "$o2" "$(cat "$OUT/s")"

# 3. Write grant: writes inside --allow land, writes outside do not.
sandbox --allow "$H/work" -- sh -c "echo inside >$H/work/new; echo x >$OUT/new || echo write-denied"
verdict write-inside-allowed "rc=$rc $o $e" all '[ "$(cat "$H/work/new" 2>/dev/null)" = inside ]'
verdict write-outside-denied "rc=$rc $o $e" all 'has write-denied "$o"' '[ ! -e "$OUT/new" ]'

# 4. Credentials stay denied under --allow $HOME (default profile), while the home's other files work.
k=$(secret); mkdir -p "$H/.ssh"; echo "$k" >"$H/.ssh/id_ed25519"; echo notes-ok >"$H/notes.txt"
run -u NONO_PROFILE nono run -s $SYS --allow "$H" -- sh -c "cat $H/notes.txt; cat $H/.ssh/id_ed25519 || echo ssh-denied; echo x >$H/.ssh/new || echo ssh-write-denied"
verdict credentials-denied "rc=$rc $o $e" all 'has notes-ok "$o"' 'has ssh-denied "$o"' 'lacks "$k" "$o"' 'has ssh-write-denied "$o"' '[ ! -e "$H/.ssh/new" ]'

# 5. seccomp on aarch64: ptrace and process_vm_readv of an own child work outside and fail with EPERM inside (only the
#    filter can refuse those: same uid, same Landlock domain, a descendant); io_uring_setup and keyctl likewise.
run probe ptrace-child
base_ptrace=$o
sandbox -- probe ptrace-child
verdict seccomp-ptrace-vmread "outside: $base_ptrace; inside: rc=$rc $o $e" all 'has "ptrace 0 0" "$base_ptrace"' 'has "vmread 8 0 same" "$base_ptrace"' 'has "ptrace -1 1" "$o"' 'has "vmread -1 1" "$o"'
run probe kernel-calls
base_calls=$o
sandbox -- probe kernel-calls
verdict seccomp-io-uring-keyctl "outside: $base_calls; inside: rc=$rc $o $e" all 'has "io_uring 0" "$base_calls"' 'has "keyctl 0" "$base_calls"' 'has "io_uring 1" "$o"' 'has "keyctl 1" "$o"'
# A 32-bit ARM executable reaches the kernel through the compat entry, where the numbers mean other calls: it runs
# outside, and inside the filter's architecture check kills it (SIGSYS, 128 + 31) before it can make one.
probe aarch32 "$H/data/a32"
run "$H/data/a32"
base_a32="rc=$rc $o"
sandbox --read "$H/data" -- "$H/data/a32"
verdict seccomp-foreign-arch-killed "outside: $base_a32; inside: rc=$rc $o $e" all 'has aarch32-ran "$base_a32"' '[ $rc -eq 159 ]' 'lacks aarch32-ran "$o"'
# The supervisor itself (the direct parent in the direct-child containment) is out of reach too.
run NONO_CONTAINMENT=direct-child nono run -s $SYS -- sh -c 'probe ptrace-pid $PPID; echo parent=$PPID'
verdict supervisor-ptrace-vmread-refused "rc=$rc $o $e" all '[ $rc -eq 0 ]' 'has "ptrace-pid -1 1" "$o"' 'has "vmread-pid -1 1" "$o"' 'lacks "parent=0" "$o"'

# 6. Network: a listener on the guest's loopback, outside the sandbox. Attack payloads are sent before the legitimate
#    ones, so once a legitimate payload has arrived an attack that got through would already be in the log.
probe serve "$H/ports" >"$H/served" 2>&1 &
server=$!
for i in $(seq 50); do [ -s "$H/ports" ] && break; usleep 100000; done
read -r tport uport <"$H/ports"
arrived() { for i in $(seq 100); do grep -q "^$1$" "$H/served" && return 0; usleep 100000; done; return 1; }
net() { # net NAME EXPECT-TCP EXPECT-UDP [ENV...] -- nono options
    name=$1 want_tcp=$2 want_udp=$3; shift 3
    run "$@" sh -c "probe tcp $tport attack-$name; probe udp $uport attack-$name; probe unix"
    inside="rc=$rc $o $e"; ok_in=$o
    run probe tcp "$tport" "legit-$name"; run probe udp "$uport" "legit-$name"
    verdict "$name" "$inside" all 'has "$want_tcp" "$ok_in"' 'has "$want_udp" "$ok_in"' 'has "unix-failed 1" "$ok_in"' \
        'arrived "tcp legit-$name"' 'arrived "udp legit-$name"' '! grep -q "attack-$name" "$H/served"'
}
net block-net-default-tier "tcp-failed 1" "udp-failed 1" nono run -s $SYS --block-net --
net block-net-seccomp-tier "tcp-failed 1" "udp-failed 1" NONO_NETWORK_TIER=landlock-tcp nono run -s $SYS --block-net --
# The legitimate side of the same probe: without --block-net the sandboxed connect and send reach the listener.
run nono run -s $SYS -- sh -c "probe tcp $tport open; probe udp $uport open"
verdict network-allowed-when-not-blocked "rc=$rc $o $e" all 'has tcp-connected "$o"' 'has udp-sent "$o"' 'arrived "tcp open"' 'arrived "udp open"'
if [ "${abi:-0}" -ge 4 ]; then
    # Proxy mode's fallback tier: Landlock's TCP port rule lets the child reach nono's proxy port and nothing else.
    run NONO_NETWORK_TIER=landlock-tcp nono run -s $SYS --allow-domain api.test --allow-weaker proxy-without-netns -- \
        sh -c 'p=${HTTPS_PROXY##*:}; p=${p%%/*}; echo proxy-port=$p; probe tcp $p hello; probe tcp '"$tport"' attack-landlock-tcp; probe udp '"$uport"' attack-landlock-tcp'
    inside="rc=$rc $o $e"; ok_in=$o
    run probe tcp "$tport" legit-landlock-tcp
    verdict landlock-tcp-tier "$inside" all 'has "tcp-connected" "$ok_in"' 'has "tcp-failed 13" "$ok_in"' 'has "udp-failed 1" "$ok_in"' \
        'arrived "tcp legit-landlock-tcp"' '! grep -q attack-landlock-tcp "$H/served"'
fi
kill "$server"

# 7. Exit codes and signals pass through.
sandbox -- sh -c 'exit 7'; r1=$rc
sandbox -- sh -c 'kill -TERM $$'; r2=$rc
sandbox -- nono-no-such-command; r3=$rc
verdict exit-and-signal "exit=$r1 term=$r2 missing=$r3" all '[ $r1 -eq 7 ]' '[ $r2 -eq 143 ]' '[ $r3 -eq 127 ]'

# 8. Lower Landlock tiers forced with --landlock-abi, the way the x64 tests do: the tier is reported and the
#    filesystem is still enforced; below ABI 3 the run is refused unless the weaker modes are accepted by name.
for cap in 1 2 3 4 5; do
    [ "$cap" -le "${abi:-0}" ] || continue
    weaker="--allow-weaker unscoped-signals"; [ "$cap" -lt 3 ] && weaker="$weaker --allow-weaker unrestricted-truncate"
    run nono run -v $SYS_ONLY --read "$H/data" --landlock-abi "$cap" $weaker -- sh -c "cat $H/data/file; cat $OUT/s || echo read-denied"
    verdict "landlock-abi-$cap" "rc=$rc $o $e" all '[ $rc -eq 0 ]' 'has "(landlock ABI $cap)" "$e"' 'has "$s" "$o"' 'has read-denied "$o"' 'lacks "$o2" "$o"'
done
run nono run -s $SYS_ONLY --landlock-abi 2 -- /bin/true
verdict landlock-abi-2-refused-without-opt-in "rc=$rc $e" all '[ $rc -eq 1 ]' 'has "--allow-weaker unrestricted-truncate" "$e"'

# 9. Process containment tiers forced with NONO_CONTAINMENT: each still runs the command and enforces.
for tier in pidns cgroup direct-child; do
    [ "$tier" = cgroup ] && [ "$(id -u)" != 0 ] && continue # the cgroup tier needs a delegated cgroup: root here
    run NONO_CONTAINMENT=$tier nono run -s $SYS -- sh -c "cat $OUT/s || echo read-denied; exit 9"
    verdict "containment-$tier" "rc=$rc $o $e" all '[ $rc -eq 9 ]' 'has read-denied "$o"' 'lacks "$o2" "$o"'
done
echo "DONE $who"
