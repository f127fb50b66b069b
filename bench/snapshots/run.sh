#!/usr/bin/env bash
# Workspace snapshot benchmark (not a test): nono vs `git add -A && git write-tree` vs `tar -I zstd`.
# Tree: a copy of /usr/share/dotnet plus an npm node_modules (tens of thousands of files).
#
#   dotnet publish src/Nono.Action -c Release -r linux-x64 -o /tmp/nono-aot
#   apt-get install -y hyperfine zstd git python3
#   bench/snapshots/run.sh                       # NODE_MODULES=/path/to/node_modules to skip npm install
#   SOURCES="/usr/share/dotnet" bench/snapshots/run.sh   # a smaller tree: copy only these directories
#
# Prints a markdown report on stdout; raw hyperfine JSON stays in $WORK.
set -euo pipefail
NONO=${NONO:-/tmp/nono-aot/nono}
WORK=${WORK:-/tmp/nono-bench}
RUNS=${RUNS:-3}
SLOW_RUNS=${SLOW_RUNS:-2}
PACKAGES=(typescript eslint webpack webpack-cli @babel/core @babel/preset-env jest next react react-dom @angular/core @angular/compiler rxjs lodash moment)

for tool in hyperfine git tar zstd python3 "$NONO"; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool not found" >&2; exit 1; }
done

rm -rf "$WORK"
mkdir -p "$WORK/tree"
if [ -n "${SOURCES:-}" ]; then
    DESCRIPTION="copy of $SOURCES"
    for src in $SOURCES; do cp -a "$src" "$WORK/tree/$(basename "$src")"; done
else
    DESCRIPTION="copy of /usr/share/dotnet + npm node_modules"
    mkdir -p "$WORK/tree/app"
    cp -a /usr/share/dotnet "$WORK/tree/dotnet"
    if [ -z "${NODE_MODULES:-}" ]; then
        mkdir -p "$WORK/npm"
        (cd "$WORK/npm" && echo '{"name":"bench","version":"1.0.0","private":true}' > package.json \
            && npm install --no-audit --no-fund --loglevel=error "${PACKAGES[@]}" >&2)
        NODE_MODULES="$WORK/npm/node_modules"
    fi
    cp -a "$NODE_MODULES" "$WORK/tree/app/node_modules"
fi
sync

TREE="$WORK/tree"
FILES=$(find "$TREE" -type f | wc -l)
BYTES=$(du -sb "$TREE" | cut -f1)
find "$TREE" -type f | awk 'NR % 100 == 0' > "$WORK/one-percent.txt"
cat > "$WORK/touch.sh" <<'TOUCH'
#!/usr/bin/env bash
while IFS= read -r f; do printf 'x' >> "$f"; done < "$1"
TOUCH
chmod +x "$WORK/touch.sh"

hf() { # name, json, runs, prepare, command
    hyperfine --style none --runs "$3" --prepare "$4" -n "$1" --export-json "$WORK/$2.json" "$5" >&2
}

# 1. Full snapshot (empty store) against git and tar.
hf "nono snapshot (full)" full "$SLOW_RUNS" "rm -rf $WORK/state-full" \
    "XDG_STATE_HOME=$WORK/state-full $NONO session snapshot --session full --no-default-excludes $TREE"
hf "git add -A && git write-tree" git "$SLOW_RUNS" "rm -rf $WORK/git && git init -q $WORK/git" \
    "git --git-dir=$WORK/git/.git --work-tree=$TREE add -A && git --git-dir=$WORK/git/.git write-tree"
hf "tar -I zstd -cf" tarc "$SLOW_RUNS" "rm -f $WORK/tree.tar.zst" "tar -I zstd -cf $WORK/tree.tar.zst -C $TREE ."

# 2. Incremental: nothing changed, then 1% of the files changed before every run.
XDG_STATE_HOME=$WORK/state-inc "$NONO" session snapshot --session inc --no-default-excludes "$TREE" >/dev/null
hf "nono snapshot (unchanged)" unchanged "$RUNS" "true" "XDG_STATE_HOME=$WORK/state-inc $NONO session snapshot --session inc"
hf "nono snapshot (1% changed)" onepct "$RUNS" "$WORK/touch.sh $WORK/one-percent.txt" "XDG_STATE_HOME=$WORK/state-inc $NONO session snapshot --session inc"

# 3. Restore the whole tree after it was deleted, against tar extraction. Like with like: tar extracts into the
#    same just-deleted path as the restore (on ext4 without a journal, creating inodes where ~30 k were just freed
#    costs a scan of the "recently deleted" inodes per new file, for tar and nono alike; a fresh folder elsewhere can
#    land in other inode groups), every run starts with the previous run's dirty pages written back (`sync` in the
#    prepare step, so tar's unflushed gigabyte is not charged to whatever runs next), and tar is measured with and
#    without a final `sync` (restore makes the tree durable with `syncfs` before it reports success; plain `tar -xf`
#    does not). The row "into a fresh folder" is the comparison sessions 1-4 printed.
hf "nono rollback restore (tree deleted)" restore "$SLOW_RUNS" "rm -rf $TREE && sync" \
    "XDG_STATE_HOME=$WORK/state-full $NONO rollback restore full --snapshot 0"
hf "tar -I zstd -xf (tree deleted)" tarx "$SLOW_RUNS" "rm -rf $TREE && sync" "mkdir $TREE && tar -I zstd -xf $WORK/tree.tar.zst -C $TREE"
hf "tar -I zstd -xf && sync (tree deleted)" tarxs "$SLOW_RUNS" "rm -rf $TREE && sync" "mkdir $TREE && tar -I zstd -xf $WORK/tree.tar.zst -C $TREE && sync"
hf "tar -I zstd -xf (into a fresh folder)" tarxf "$SLOW_RUNS" "rm -rf $WORK/untar && mkdir $WORK/untar && sync" "tar -I zstd -xf $WORK/tree.tar.zst -C $WORK/untar"
# Like with like where no inode was just freed: both sides start with the tree moved aside (kept, so nothing is
# freed) and wait out ext4's 60 s "recently deleted" window after the deletions above (prepare time is not measured).
# The row above, "into a fresh folder", is not that: from its second run on, its prepare deletes the previous run's
# extraction just before the measured command, and it has no nono counterpart.
mkdir -p "$WORK/aside"
ASIDE="mv $TREE \$(mktemp -d -p $WORK/aside) && sync && sleep 61"
hf "nono rollback restore (tree moved aside)" restorea "$SLOW_RUNS" "$ASIDE" \
    "XDG_STATE_HOME=$WORK/state-full $NONO rollback restore full --snapshot 0"
hf "tar -I zstd -xf (tree moved aside)" tarxa "$SLOW_RUNS" "$ASIDE" "mkdir $TREE && tar -I zstd -xf $WORK/tree.tar.zst -C $TREE"
hf "tar -I zstd -xf && sync (tree moved aside)" tarxas "$SLOW_RUNS" "$ASIDE" "mkdir $TREE && tar -I zstd -xf $WORK/tree.tar.zst -C $TREE && sync"
rm -rf "$WORK/aside"
# The tree is tar's extraction now: restore it once more and compare nono's result with tar's.
rm -rf "$TREE"
XDG_STATE_HOME=$WORK/state-full "$NONO" rollback restore full --snapshot 0 >/dev/null
diff -r --no-dereference "$WORK/untar" "$TREE" >/dev/null && echo "restored tree identical to tar extraction" >&2

STORE_APPARENT=$(du -sb --exclude=tmp "$WORK/state-full/nono/objects" | cut -f1)
STORE_DISK=$(du -sB1 --exclude=tmp "$WORK/state-full/nono/objects" | cut -f1)
TAR_SIZE=$(stat -c %s "$WORK/tree.tar.zst")
GIT_SIZE=$(du -sb "$WORK/git/.git/objects" | cut -f1)

python3 - "$WORK" "$DESCRIPTION" "$FILES" "$BYTES" "$STORE_APPARENT" "$STORE_DISK" "$TAR_SIZE" "$GIT_SIZE" "$(nproc)" <<'PY'
import json, sys
work, description, (files, raw, store, disk, tar, git, cores) = sys.argv[1], sys.argv[2], map(int, sys.argv[3:])
def t(name):
    r = json.load(open(f"{work}/{name}.json"))["results"][0]
    return r["mean"], r["stddev"] or 0.0, r["command"], r["user"] + r["system"]
rows = ["full", "git", "tarc", "unchanged", "onepct", "restore", "tarx", "tarxs", "tarxf", "restorea", "tarxa", "tarxas"]
print(f"Tree: {files} files, {raw/2**20:.0f} MiB ({description}), {cores} cores, warm page cache.\n")
print("| operation | wall mean (s) | ± (s) | CPU user+sys (s) |\n|---|---:|---:|---:|")
for name in rows:
    m, s, cmd, cpu = t(name)
    print(f"| {cmd} | {m:.2f} | {s:.2f} | {cpu:.2f} |")
full, unchanged, restore, tarx = t("full")[0], t("unchanged")[0], t("restore")[0], t("tarx")[0]
print(f"\n| size | bytes | vs raw |\n|---|---:|---:|")
for label, n in [("raw tree", raw), ("nono store (apparent)", store), ("nono store (on disk)", disk), ("tar -I zstd", tar), ("git objects (loose)", git)]:
    print(f"| {label} | {n} | {n/raw:.1%} |")
cpu = lambda n: t(n)[3]
print("\nTargets (wall / CPU):")
ok = lambda b: "met" if b else "NOT met"
print(f"- full snapshot faster than git add -A: wall {full:.2f}s vs {t('git')[0]:.2f}s ({ok(full < t('git')[0])}); CPU {cpu('full'):.2f}s vs {cpu('git'):.2f}s ({ok(cpu('full') < cpu('git'))})")
print(f"- unchanged incremental under 10% of full: wall {unchanged/full:.1%} ({ok(unchanged < 0.1*full)}); CPU {cpu('unchanged')/cpu('full'):.1%} ({ok(cpu('unchanged') < 0.1*cpu('full'))})")
print(f"- restore faster than tar extraction (both recreate the just-deleted tree): wall {restore:.2f}s vs {tarx:.2f}s ({ok(restore < tarx)}), tar+sync {t('tarxs')[0]:.2f}s ({ok(restore < t('tarxs')[0])}); CPU {cpu('restore'):.2f}s vs {cpu('tarx'):.2f}s ({ok(cpu('restore') < cpu('tarx'))}); tar into a fresh folder {t('tarxf')[0]:.2f}s ({ok(restore < t('tarxf')[0])})")
print(f"- restore faster than tar extraction (tree moved aside, no inode just freed): wall {t('restorea')[0]:.2f}s vs {t('tarxa')[0]:.2f}s ({ok(t('restorea')[0] < t('tarxa')[0])}), tar+sync {t('tarxas')[0]:.2f}s ({ok(t('restorea')[0] < t('tarxas')[0])}); CPU {cpu('restorea'):.2f}s vs {cpu('tarxa'):.2f}s ({ok(cpu('restorea') < cpu('tarxa'))})")
print(f"- store within 10% of tar -I zstd: {store/tar:.1%} of tar size -> {'met' if store <= 1.1*tar else 'NOT met'}; on disk {disk/tar:.1%} -> {'met' if disk <= 1.1*tar else 'NOT met'}")

# Where the store's bytes are: loose objects by size, and the packs that hold the small ones.
import os
sizes = []
for d in os.listdir(f"{work}/state-full/nono/objects"):
    if len(d) == 2:
        for f in os.scandir(f"{work}/state-full/nono/objects/{d}"):
            st = f.stat(follow_symlinks=False)
            sizes.append((st.st_size, st.st_blocks * 512))
print(f"\n| objects (compressed size) | count | apparent bytes | on-disk bytes |\n|---|---:|---:|---:|")
for lo, hi, label in [(0, 4096, "< 4 KiB"), (4096, 65536, "4-64 KiB"), (65536, 1 << 62, ">= 64 KiB")]:
    sel = [(a, b) for a, b in sizes if lo <= a < hi]
    print(f"| {label} | {len(sel)} | {sum(a for a, _ in sel)} | {sum(b for _, b in sel)} |")
print(f"| all loose | {len(sizes)} | {sum(a for a, _ in sizes)} | {sum(b for _, b in sizes)} |")
packs_dir = f"{work}/state-full/nono/objects/packs"
packs = [f.stat() for f in os.scandir(packs_dir)] if os.path.isdir(packs_dir) else []
idx = [f for f in os.scandir(packs_dir) if f.name.endswith(".idx")] if packs else []
packed = sum((f.stat().st_size - 44) // 44 for f in idx)
print(f"| packed ({len(idx)} packs, data + index files) | {packed} | {sum(s.st_size for s in packs)} | {sum(s.st_blocks * 512 for s in packs)} |")
PY
