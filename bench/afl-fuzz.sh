#!/usr/bin/env bash
# Coverage-guided fuzzing of the loaders (safetensors files, model files, trainer checkpoints, text corpora) with
# SharpFuzz and AFL++. bench/Recurrent.Fuzz runs each input through tests/Recurrent.Tests/Fuzzing/FuzzTargets.cs,
# as a safetensors file and as a corpus; a loader's one-line InvalidDataException is a pass, anything else a crash.
# bench/fuzz.sh is the deterministic, structure-aware fuzzer of the same targets; this one follows coverage instead.
#
#   bench/afl-fuzz.sh [--minutes N] [--out DIR] [--resume]     (defaults: 10 minutes, afl-out/)
#
# Needs AFL++ (Debian: apt-get install -y afl++) and the SharpFuzz instrumenter, installed here on first use with
# `dotnet tool install --tool-path <out>/tools SharpFuzz.CommandLine`. The steps:
#   1. publish bench/Recurrent.Fuzz to <out>/bin and instrument <out>/bin/Recurrent.dll with `sharpfuzz` (only the
#      library is instrumented; the harness and the runtime are not, so coverage is Recurrent's own branches);
#   2. write the seeds (a small model of every kind, a trainer checkpoint with AdamW and data state, a plain
#      safetensors file, two corpora: FuzzSeeds.All) with `dotnet Recurrent.Fuzz.dll --make-seeds <out>/seeds`;
#   3. afl-fuzz -i <out>/seeds -o <out>/findings -t 5000 -m none -V <seconds> -- dotnet <out>/bin/Recurrent.Fuzz.dll
# Crashes land in <out>/findings/default/crashes/, hangs in .../hangs/. Reproduce one with its stack trace using the
# uninstrumented copy in <out>/plain (the instrumented Recurrent.dll writes to AFL++'s coverage map, which exists only
# under afl-fuzz: outside it, it fails with an AccessViolationException in the first loader):
#   dotnet <out>/plain/Recurrent.Fuzz.dll --run <out>/findings/default/crashes/id:000000*
# minimise it with afl-tmin (same target command, `-i crash -o small`), and add it as a regression test to
# tests/Recurrent.Tests/Serialization/FuzzRegressionTests.cs.
set -euo pipefail
minutes=10
out=afl-out
resume=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --resume) resume=1; shift ;;
    *) echo "usage: bench/afl-fuzz.sh [--minutes N] [--out DIR] [--resume]" >&2; exit 2 ;;
  esac
done
cd "$(dirname "$0")/.."
out="$(realpath -m "$out")"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz not found: apt-get install -y afl++" >&2; exit 1; }
if [[ ! -x "$out/tools/sharpfuzz" ]]; then
  dotnet tool install --tool-path "$out/tools" SharpFuzz.CommandLine
fi
rm -rf "$out/bin" "$out/plain"
dotnet publish bench/Recurrent.Fuzz -c Release -o "$out/plain" --nologo -v quiet
cp -r "$out/plain" "$out/bin"
"$out/tools/sharpfuzz" "$out/bin/Recurrent.dll"
if [[ $resume == 0 ]]; then
  rm -rf "$out/seeds"
  dotnet "$out/plain/Recurrent.Fuzz.dll" --make-seeds "$out/seeds"
  input="$out/seeds"
else
  input=-   # AFL++: resume from the queue in $out/findings
fi
# dotnet itself is not instrumented (AFL_SKIP_BIN_CHECK); the JIT makes a few edges vary from run to run, so a
# stability of 75-90% is expected.
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
[[ -t 1 ]] || export AFL_NO_UI=1
afl-fuzz -i "$input" -o "$out/findings" -t 5000 -m none -V $((minutes * 60)) -- dotnet "$out/bin/Recurrent.Fuzz.dll" || true
stats="$out/findings/default/fuzzer_stats"
grep -E '^(run_time|execs_done|execs_per_sec|corpus_count|corpus_found|edges_found|stability|saved_crashes|saved_hangs) ' "$stats"
