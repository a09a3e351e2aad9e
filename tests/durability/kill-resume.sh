#!/usr/bin/env bash
# Kill -9 harness: `charlm train` is killed with SIGKILL at random moments (checkpoints are written often and are
# large, so some kills land inside a write), then resumed, until it reaches its budget. After every kill the run's
# last checkpoint must load and --resume must continue; at the end the run's loss curve (train and validation loss
# at every validation) must equal an uninterrupted run's, bit for bit.
#
# Usage: tests/durability/kill-resume.sh [KILLS] [STEPS]   (defaults 20 and 60; .ci/run runs the short form)
# Needs a Release build: dotnet build -c Release.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cli="$root/src/Recurrent.Cli/bin/Release/net10.0/Recurrent.Cli.dll"
kills=${1:-20}
steps=${2:-60}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ -f "$cli" ] || { echo "kill-resume: $cli is missing; build with dotnet build -c Release first"; exit 1; }

# A model big enough that a checkpoint (weights and Adam's moments, ~11 MB) takes a while to write, validated and
# checkpointed every 2 steps on a small validation split. Validation every N steps (not seconds) makes the curve
# reproducible; a resumed run restarts at its last validation, where the checkpoint was written.
common=(charlm train --steps "$steps" --sample-length 0)
fresh=(--eval-steps 2 --val-fraction 0.002 --hidden 256 --dropout 0.1)   # a resumed run keeps these from its run.json

curve() { grep -E '"lr":[^,}]*}$' "$1" | sed -E 's/.*"step":([0-9]+).*"train_loss":([^,]*),"val_loss":([^,]*),.*/\1 \2 \3/' | sort -n -k1,1 -s | awk '{last[$1]=$0} END {for (s in last) print last[s]}' | sort -n; }

echo "kill-resume: reference run ($steps steps)"
dotnet "$cli" "${common[@]}" "${fresh[@]}" --out "$work/reference" > "$work/reference.log" 2>&1 || { echo "kill-resume: the reference run failed"; tail -3 "$work/reference.log"; exit 1; }

out="$work/killed"
done_=0 killed=0 resumes=0 failures=0 midwrite=0
args=("${fresh[@]}" --out "$out")
while [ "$killed" -lt "$kills" ]; do
  # dotnet itself in the background (not a shell function), so that $! is the process that kill -9 hits.
  dotnet "$cli" "${common[@]}" "${args[@]}" > "$work/segment.log" 2>&1 &
  pid=$!
  # Once the run has a checkpoint (so that every kill leaves one to resume from; the first segment writes it
  # within its first validation)…
  for _ in $(seq 3000); do
    [ -f "$out/last.safetensors" ] && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.01
  done
  if [ $((killed % 2)) -eq 0 ]; then
    # …kill it at a random moment in the next 0 to 2 s (a step takes about 0.1 s)…
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 2 * r / 32767 }')"
  else
    # …or inside a checkpoint write: as soon as a temporary checkpoint file appears (or after 5 s).
    for _ in $(seq 1000); do
      compgen -G "$out/.*.tmp" > /dev/null && break
      kill -0 "$pid" 2> /dev/null || break
      sleep 0.005
    done
  fi
  if kill -0 "$pid" 2> /dev/null; then
    kill -9 "$pid"; wait "$pid" 2> /dev/null
    killed=$((killed + 1))
    # A temporary file left behind means the kill landed inside a checkpoint write.
    if compgen -G "$out/.*.tmp" > /dev/null; then midwrite=$((midwrite + 1)); fi
  else
    wait "$pid"; status=$?
    if [ "$status" -ne 0 ]; then echo "kill-resume: a segment failed (exit $status): $(grep -a -m1 "error" "$work/segment.log" || tail -1 "$work/segment.log")"; exit 1; fi
    done_=1
    break
  fi
  if [ -f "$out/last.safetensors" ]; then
    # The checkpoint must load: score a little text with it.
    if ! dotnet "$cli" charlm eval --checkpoint "$out/last.safetensors" --file "$root/README.md" > /dev/null 2> "$work/eval.err"; then
      failures=$((failures + 1)); echo "kill-resume: after kill $killed, last.safetensors does not load: $(cat "$work/eval.err")"
    fi
    args=(--out "$out" --resume)
    resumes=$((resumes + 1))
  else
    rm -rf "$out"   # killed before its first checkpoint: start again
    args=("${fresh[@]}" --out "$out")
  fi
done
if [ "$done_" -eq 0 ]; then
  dotnet "$cli" "${common[@]}" "${args[@]}" > "$work/segment.log" 2>&1 || { echo "kill-resume: the final segment failed:"; tail -3 "$work/segment.log"; exit 1; }
fi

if diff <(curve "$work/reference/metrics.jsonl") <(curve "$out/metrics.jsonl") > "$work/diff.txt"; then
  same="identical"
else
  same="DIFFERENT"; failures=$((failures + 1)); head -5 "$work/diff.txt"
fi
echo "kill-resume: $killed kills ($midwrite inside a checkpoint write), $resumes resumes, checkpoints that failed to load: $failures; loss curve vs uninterrupted run: $same ($(curve "$out/metrics.jsonl" | wc -l) validations)"
[ "$failures" -eq 0 ]
