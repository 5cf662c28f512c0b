#!/usr/bin/env bash
# Fuzz CloudTrailReader and TrustZone.Parse with SharpFuzz + AFL++ for a given number of seconds.
# Usage: fuzz/run.sh [seconds=600] [cores=1]
# Findings (crashes, hangs, the grown queue) go to fuzz/findings/ (git-ignored).
set -euo pipefail
seconds="${1:-600}"
cores="${2:-1}"
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/out"
findings="$here/findings"

if ! command -v afl-fuzz >/dev/null; then
    echo "afl-fuzz missing: installing Debian's afl++" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update && apt-get install -y afl++; else sudo apt-get update && sudo apt-get install -y afl++; fi
fi

cd "$here"
dotnet tool restore
rm -rf "$out"   # sharpfuzz refuses an engine it already instrumented: start from a fresh publish
dotnet publish TransferDetect.Fuzz/TransferDetect.Fuzz.csproj -c Release -o "$out" --nologo -v quiet
# Instrument the engine only (System.Text.Json is in the shared framework and stays as it is).
dotnet tool run sharpfuzz "$out/TransferDetect.Engine.dll"

mkdir -p "$findings"
export AFL_SKIP_BIN_CHECK=1          # dotnet itself is not instrumented; the engine is, through SharpFuzz
export AFL_NO_UI=1
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
export AFL_AUTORESUME=1
cmd=(-i "$here/corpus" -o "$findings" -t 10000 -m none -V "$seconds")
if [ "$cores" -le 1 ]; then
    afl-fuzz "${cmd[@]}" -- dotnet "$out/TransferDetect.Fuzz.dll"
else
    afl-fuzz "${cmd[@]}" -M main -- dotnet "$out/TransferDetect.Fuzz.dll" > "$findings/main.log" 2>&1 &
    for i in $(seq 2 "$cores"); do
        afl-fuzz "${cmd[@]}" -S "s$i" -- dotnet "$out/TransferDetect.Fuzz.dll" > "$findings/s$i.log" 2>&1 &
    done
    wait
fi

echo "Summary:"
for d in "$findings"/*/; do
    [ -f "$d/fuzzer_stats" ] || continue
    echo "== $d"
    grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|bitmap_cvg|saved_crashes|saved_hangs|unique_crashes|unique_hangs)' "$d/fuzzer_stats" || true
done
echo "Replay a crash: dotnet $out/TransferDetect.Fuzz.dll $findings/<fuzzer>/crashes/<file>"
