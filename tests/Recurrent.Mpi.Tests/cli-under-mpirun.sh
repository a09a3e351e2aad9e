#!/usr/bin/env bash
# The `recurrent` command under mpirun (run by .ci/run after the build): prints one line per case and then
# "N passed, N failed".
#   1. charlm train --steps 20 on 2 ranks: exit 0, rank 0 alone prints (one "Training on" line) and writes its files
#      once (metrics.jsonl holds each validation once, no stray temporary files);
#   2. a rank killed with SIGKILL mid-run: the job ends within 60 s with a non-zero exit code, and the checkpoint left
#      behind (if any) is whole: `charlm eval` reads it.
# Usage: tests/Recurrent.Mpi.Tests/cli-under-mpirun.sh [path/to/Recurrent.Cli.dll]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
cli=${1:-src/Recurrent.Cli/bin/Release/net10.0/Recurrent.Cli.dll}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader,tcp
mpirun=(mpirun --oversubscribe -np 2)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
result() { if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "pass $2"; else failed=$((failed + 1)); echo "FAIL $2: $3"; fi; }

# 1. Files written once, by rank 0.
out="$tmp/run"
timeout 300 "${mpirun[@]}" dotnet "$cli" charlm train --steps 20 --eval-steps 10 --batch 8 --hidden 32 --layers 1 --embed 16 \
  --window 32 --sample-length 20 --threads 1 --out "$out" > "$tmp/stdout" 2> "$tmp/stderr"
status=$?
problem=""
[ "$status" = 0 ] || problem="exit code $status ($(tail -n 3 "$tmp/stderr" | tr '\n' ' '))"
for f in best.safetensors last.safetensors metrics.jsonl run.json; do
  [ -n "$problem" ] || [ -s "$out/$f" ] || problem="no $f"
done
[ -n "$problem" ] || [ "$(grep -c . "$out/metrics.jsonl")" = 2 ] || problem="metrics.jsonl has $(grep -c . "$out/metrics.jsonl") lines; expected 2 (validations at steps 10 and 20, once each)"
[ -n "$problem" ] || [ "$(grep -c 'Training on' "$tmp/stdout")" = 1 ] || problem="'Training on' printed $(grep -c 'Training on' "$tmp/stdout") times; expected once (rank 0)"
[ -n "$problem" ] || [ "$(grep -c 'Distributed: 2 ranks' "$tmp/stdout")" = 1 ] || problem="no 'Distributed: 2 ranks' line"
[ -n "$problem" ] || [ -z "$(find "$out" -name '*.tmp*')" ] || problem="temporary files left: $(find "$out" -name '*.tmp*' | tr '\n' ' ')"
result "$([ -z "$problem" ] && echo 0 || echo 1)" "charlm train --steps 20 under mpirun -np 2 writes its files once, from rank 0" "$problem"

# 2. A rank killed mid-run ends the job within a bounded time; the checkpoint on disk is whole.
out="$tmp/killed"
start=$SECONDS
timeout 120 "${mpirun[@]}" dotnet "$cli" charlm train --steps 100000 --checkpoint-every 5 --eval-steps 1000 --batch 8 --hidden 32 --layers 1 \
  --embed 16 --window 32 --sample-length 0 --threads 1 --out "$out" > "$tmp/stdout" 2> "$tmp/stderr" &
job=$!
# The processes started under this job (timeout → mpirun → the ranks), and among them rank 1.
descendants() { local child; for child in $(ps -o pid= --ppid "$1"); do echo "$child"; descendants "$child"; done; }
victim=""
for _ in $(seq 1 100); do
  sleep 0.3
  [ -s "$out/last.safetensors" ] || continue
  for pid in $(descendants "$job"); do
    tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' && victim=$pid
  done
  [ -n "$victim" ] && break
done
problem=""
if [ -z "$victim" ]; then
  problem="rank 1 was not found running (or no checkpoint was written) within 30 s"
  kill "$job" 2>/dev/null
  wait "$job"
else
  kill -KILL "$victim"
  killed=$SECONDS
  wait "$job"
  status=$?
  elapsed=$((SECONDS - killed))
  [ "$status" != 0 ] || problem="mpirun exited 0 after rank 1 was killed"
  [ -n "$problem" ] || [ "$elapsed" -le 60 ] || problem="the job took $elapsed s to end after rank 1 was killed"
  printf 'public sealed class Example { }\n' > "$tmp/text.cs"
  [ -n "$problem" ] || dotnet "$cli" charlm eval --checkpoint "$out/last.safetensors" --file "$tmp/text.cs" > /dev/null 2> "$tmp/eval" || problem="the checkpoint left behind does not load: $(head -n 1 "$tmp/eval")"
  echo "    rank 1 (pid $victim) killed after $((killed - start)) s; mpirun ended $elapsed s later with exit code $status"
fi
result "$([ -z "$problem" ] && echo 0 || echo 1)" "a rank killed mid-run ends the job within 60 s and leaves a whole checkpoint" "$problem"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
