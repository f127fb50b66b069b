"""CPU time and page faults per run of each start-up command (getrusage of the waited-for children, so nono's
supervised tree is included). On a shared or virtual machine these move far less than wall time: each first touch
of a 4 KiB page costs a fixed amount of CPU (about 14 µs on the benchmark VM), so faults are the start-up currency.
Usage: python3 faults.py RUNS OUT.json NAME=COMMAND...   (prints a markdown table)"""
import json
import resource
import shlex
import subprocess
import sys

runs, out = int(sys.argv[1]), sys.argv[2]
results = {}
for spec in sys.argv[3:]:
    name, command = spec.split("=", 1)
    argv = shlex.split(command)
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)  # warm the page cache
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    results[name] = {
        "cpu_ms": ((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)) * 1e3 / runs,
        "minor_faults": (after.ru_minflt - before.ru_minflt) / runs,
    }
json.dump(results, open(out, "w"), indent=2)
print(f"Per run, mean of {runs} (getrusage of children):\n")
print("| Command | CPU user+sys [ms] | minor page faults |")
print("|:---|---:|---:|")
for name, r in results.items():
    print(f"| {name} | {r['cpu_ms']:.1f} | {r['minor_faults']:.0f} |")
