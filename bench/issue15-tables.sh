#!/usr/bin/env bash
# The side-by-side tables of issue 15 (docs/BENCHMARKS.md): the peers, a base build (BEFORE) and this build in rotation,
# then int8 against ONNX Runtime, then peak memory. Run on an idle machine, after dotnet build Recurrent.sln -c Release.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
P=../shared/peers/peer
BEF="dotnet ${BEFORE:?set BEFORE to the Recurrent.Cli.dll of the base build, e.g. git archive 0a7abb3 | tar -x -C /tmp/before and dotnet build -c Release there}"
AFT="dotnet src/Recurrent.Cli/bin/Release/net10.0/Recurrent.Cli.dll"
S="--cell lstm --batch 32 --steps 50 --input 64 --hidden 128"
ST="--cell lstm --batch 1 --steps 1 --input 256 --hidden 256"
M="--cell lstm --batch 64 --steps 100 --input 256 --hidden 512"
L="--cell lstm --batch 32 --steps 64 --input 512 --hidden 1024"
row() { # label peer shape mode threads isa
  local label=$1 peer=$2 shape=$3 mode=$4 th=$5 isa=$6 env=""
  [ "$isa" = avx2 ] && env="DOTNET_EnableAVX512F=0 "
  echo "### $label mode=$mode threads=$th isa=$isa $(date -u +%H:%M:%S)"
  python3 bench/side-by-side.py --rounds 3 peer="$P $peer rnn $shape --mode $mode --threads $th --json" \
    before="$env$BEF bench rnn $shape --mode $mode --threads $th --json" \
    after="$env$AFT bench rnn $shape --mode $mode --threads $th --json" 2>/dev/null
}
echo "## cpu: $(grep -m1 'model name' /proc/cpuinfo)"; uptime
dotnet src/Recurrent.Cli/bin/Release/net10.0/Recurrent.Cli.dll bench peak 2>&1 | tail -8
for isa in avx512 avx2; do for th in 1 2; do
  row "LSTM S" ort "$S" infer $th $isa
  row "LSTM S" torch "$S" train $th $isa
  row "stream" ort "$ST" infer $th $isa
done; done
for th in 2 1; do
  row "LSTM M" ort "$M" infer $th avx512
  row "LSTM M" torch "$M" train $th avx512
done
row "LSTM L" ort "$L" infer 2 avx512
echo "## int8 $(date -u +%H:%M:%S)"
for th in 1 2; do
  dotnet bench/Recurrent.OnnxBench/bin/Release/net10.0/Recurrent.OnnxBench.dll rnn --int8 --batch 64 --steps 100 --input 256 --hidden 512 --threads $th 2>&1
  dotnet bench/Recurrent.OnnxBench/bin/Release/net10.0/Recurrent.OnnxBench.dll rnn --int8 --batch 32 --steps 64 --input 512 --hidden 1024 --threads $th 2>&1
done
echo "## memory $(date -u +%H:%M:%S)"
for i in 1 2; do
  /usr/bin/time -f "torch lstm-L-train maxrss_kb=%M" $P torch rnn $L --mode train --json 2>&1 | tail -1
  /usr/bin/time -f "before lstm-L-train maxrss_kb=%M" $BEF bench rnn $L --mode train --json 2>&1 | tail -1
  /usr/bin/time -f "after lstm-L-train maxrss_kb=%M" $AFT bench rnn $L --mode train --json 2>&1 | tail -1
  /usr/bin/time -f "torch charlm-train maxrss_kb=%M" $P torch charlm-speed --corpus ../shared/data/tinyshakespeare.txt --json 2>&1 | tail -1
  /usr/bin/time -f "before charlm-train maxrss_kb=%M" $BEF bench charlm --corpus ../shared/data/tinyshakespeare.txt --json 2>&1 | tail -1
  /usr/bin/time -f "after charlm-train maxrss_kb=%M" $AFT bench charlm --corpus ../shared/data/tinyshakespeare.txt --json 2>&1 | tail -1
done
echo "## done $(date -u +%H:%M:%S)"
