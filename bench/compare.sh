#!/usr/bin/env bash
# The side-by-side run of issue 6 on one CloudTrail delivery tree: each mode is its own process, so its
# peak memory (max RSS) is its own. Needs jq, python3 and GNU time (/usr/bin/time).
#
#   bench/compare.sh <corpus dir>                 # an existing tree
#   bench/compare.sh --generate 1GB <corpus dir>  # write the deterministic corpus first
#
# (a), (b) and the structural floor run in PAIRS rounds (default 3; the order turns each round) and the table shows the
# median of each, since a process of a second moves by a quarter on a shared machine and a tree larger than the
# page cache favours whichever mode reads it second. Every round is printed too. (c) and (d) run once.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--generate" ]; then size=$2; dir=$3; else size=""; dir=$1; fi

dotnet build -c Release bench/TransferDetect.Bench -v:q -nologo >/dev/null
bench="dotnet bench/TransferDetect.Bench/bin/Release/net10.0/TransferDetect.Bench.dll"
[ -n "$size" ] && $bench generate "$dir" "$size"

ops='"ModifySnapshotAttribute","ModifyImageAttribute","ModifyDBSnapshotAttribute","ModifyDBClusterSnapshotAttribute","AuthorizeSnapshotAccess","RevokeSnapshotAccess"'
jqfilter=".Records[] | select(.eventName as \$n | [$ops] | index(\$n))"

measure() { # name, command: prints "name seconds maxrss_kb output"
  local out
  out=$( { /usr/bin/time -f "TIME %e %M" bash -c "$2" ; } 2>&1 )
  local t m
  t=$(grep '^TIME' <<<"$out" | awk '{print $2}'); m=$(grep '^TIME' <<<"$out" | awk '{print $3}')
  echo "$1|$t|$m|$(grep -v '^TIME' <<<"$out" | tail -n1)"
}

median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }
pairs=${PAIRS:-3}
# Beside (a) and (b), the structural floor: (a) plus the pass that cuts the records (bench split-once), which any
# sound scan must make (it must know where every string is to know where a record ends). It runs in the same rounds,
# in turn first, second and last, so the ratio (b) cannot beat is measured beside the two it lies between.
a_runs=(); f_runs=(); b_runs=()
for ((i = 0; i < pairs; i++)); do
  case $((i % 3)) in
    0) order="a f b" ;;
    1) order="f b a" ;;
    *) order="b a f" ;;
  esac
  for m in $order; do
    case $m in
      a) a_runs+=("$(measure a "$bench decompress '$dir'")") ;;
      f) f_runs+=("$(measure f "$bench split-once '$dir'")") ;;
      b) b_runs+=("$(measure b "$bench scan-once '$dir'")") ;;
    esac
  done
  echo "round $((i + 1)) ($order): (a) $(cut -d'|' -f2 <<<"${a_runs[i]}") s, floor $(cut -d'|' -f2 <<<"${f_runs[i]}") s, (b) $(cut -d'|' -f2 <<<"${b_runs[i]}") s"
done
# The median time of a mode, the largest peak memory of its runs, and the output of its last run.
summary() { # name, runs...
  local name=$1; shift
  local t m
  t=$(printf '%s\n' "$@" | cut -d'|' -f2 | median)
  m=$(printf '%s\n' "$@" | cut -d'|' -f3 | sort -n | tail -n1)
  echo "$name|$t|$m|$(printf '%s\n' "$@" | tail -n1 | cut -d'|' -f4)"
}
rows=()
rows+=("$(summary "(a) decompression only, all cores" "${a_runs[@]}")")
rows+=("$(summary "(b) TransferDetect scan, all cores" "${b_runs[@]}")")
floor="$(summary "(a) + structural pass only (floor)" "${f_runs[@]}")"
rows+=("$(measure "(c) zcat, jq select" "find '$dir' -name '*.json.gz' -print0 | sort -z | xargs -0 zcat | jq -c '$jqfilter' | wc -l")")
rows+=("$(measure "(d) python json loop" "python3 bench/compare.py '$dir'")")

bytes=$(awk '{print $3}' <<<"$(cut -d'|' -f4 <<<"${rows[1]}")")
records=$(awk '{print $1}' <<<"$(cut -d'|' -f4 <<<"${rows[1]}")")
printf '%-36s %9s %9s %12s %10s %s\n' mode seconds MB/s records/s "peak MB" result
for r in "${rows[0]}" "$floor" "${rows[@]:1}"; do
  IFS='|' read -r name t m res <<<"$r"
  printf '%-36s %9.2f %9.0f %12.0f %10.0f %s\n' "$name" "$t" "$(bc -l <<<"$bytes/1000000/$t")" "$(bc -l <<<"$records/$t")" "$(bc -l <<<"$m/1024")" "$res"
done
ta=$(cut -d'|' -f2 <<<"${rows[0]}"); tb=$(cut -d'|' -f2 <<<"${rows[1]}"); tc=$(cut -d'|' -f2 <<<"${rows[2]}"); td=$(cut -d'|' -f2 <<<"${rows[3]}")
tf=$(cut -d'|' -f2 <<<"$floor")
printf 'ratios: (b)/(a) throughput %.2fx (the floor %.2fx); (b) is %.1fx jq and %.1fx python\n' "$(bc -l <<<"$ta/$tb")" "$(bc -l <<<"$ta/$tf")" "$(bc -l <<<"$tc/$tb")" "$(bc -l <<<"$td/$tb")"
