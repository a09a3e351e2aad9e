#!/usr/bin/env bash
# A longer fuzzing campaign of the loaders (safetensors, model files, checkpoints, corpora) than CI's fixed 10,000
# inputs: runs tests/Recurrent.Tests/Fuzzing for N minutes from seed S, and saves each distinct failure's input and
# description under OUT (crash-<seed>-<index>.bin / .txt). Turn a saved input into a regression test in
# tests/Recurrent.Tests/Serialization/FuzzRegressionTests.cs.
#
#   bench/fuzz.sh [--minutes N] [--seed S] [--out DIR]     (defaults: 10 minutes, seed from the clock, fuzz-out/)
set -euo pipefail
minutes=10
seed=$(date +%s)
out=fuzz-out
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: bench/fuzz.sh [--minutes N] [--seed S] [--out DIR]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
dotnet build tests/Recurrent.Tests -c Release --nologo -v quiet
echo "fuzzing for $minutes min from seed $seed; failures go to $out/"
RECURRENT_FUZZ_MINUTES="$minutes" RECURRENT_FUZZ_SEED="$seed" RECURRENT_FUZZ_OUT="$(realpath -m "$out")" \
  dotnet test tests/Recurrent.Tests -c Release --no-build --nologo \
    --filter "FullyQualifiedName~LoaderFuzzTests.LoadersRaise" --logger "console;verbosity=detailed" \
  | grep -E "seed [0-9]+:|^ *#[0-9]+ |Passed!|Failed!"
