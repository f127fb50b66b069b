#!/bin/sh
# File-heavy workload: copy TREE into SCRATCH, read every copied file back and delete the copy, ROUNDS times.
# Per file and round: create + write, open + read, unlink (the calls Landlock checks), with little CPU per file.
# Usage: files.sh TREE SCRATCH ROUNDS
set -eu
tree=$1
scratch=$2
rounds=$3
i=0
while [ "$i" -lt "$rounds" ]; do
    cp -r "$tree" "$scratch/copy"
    find "$scratch/copy" -type f -exec cat {} + > /dev/null
    rm -rf "$scratch/copy"
    i=$((i + 1))
done
