#!/usr/bin/env bash
# Streams a generated CSV of about 1 GB through `recurrent predict` and reports its peak resident memory and rows per
# second: the data path of `predict --data` (read, standardise, batch, run, write) holds one chunk of rows at a time,
# so its memory does not grow with the file.
#   bench/big-csv.sh [SIZE_MB=1024] [WORK_DIR=/tmp/recurrent-big-csv]
# The model is a digits-shaped classifier (8 steps of 8 values → bidirectional LSTM 128) trained for 50 steps on the
# first 20,000 rows; the prediction's figures do not depend on how well it was trained.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mb="${1:-1024}"
work="${2:-/tmp/recurrent-big-csv}"
mkdir -p "$work"
csv="$work/big.csv"
cli=(dotnet "$root/src/Recurrent.Cli/bin/Release/net10.0/Recurrent.Cli.dll")
[[ -f "${cli[1]}" ]] || dotnet build "$root/src/Recurrent.Cli" -c Release >/dev/null

if [[ ! -f "$csv" ]] || (( $(stat -c %s "$csv") < size_mb * 1024 * 1024 )); then
    echo "writing $csv (${size_mb} MB)..."
    awk -v bytes=$((size_mb * 1024 * 1024)) 'BEGIN {
        srand(1); header = "id"; for (i = 0; i < 64; i++) header = header sprintf(",p%d%d", int(i / 8), i % 8); print header ",label"; n = length(header) + 1
        for (row = 0; n < bytes; row++) { line = row; for (i = 0; i < 64; i++) line = line "," int(rand() * 17); line = line "," (row % 10); print line; n += length(line) + 1 }
    }' > "$csv.tmp" && mv "$csv.tmp" "$csv"
fi
rows=$(($(wc -l < "$csv") - 1))
head -n 20001 "$csv" > "$work/train.csv"
rm -rf "$work/run"
"${cli[@]}" train classify --data "$work/train.csv" --features 'p*' --step-features 8 --label label --steps 50 --out "$work/run" > /dev/null
start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" "${cli[@]}" predict --model "$work/run/model.safetensors" --data "$csv" --out "$work/predicted.csv"
end=$(date +%s.%N)
predicted=$(($(wc -l < "$work/predicted.csv") - 1))
awk -v rows="$rows" -v predicted="$predicted" -v s="$start" -v e="$end" -v rss="$(cat "$work/rss")" -v mb="$(($(stat -c %s "$csv") / 1048576))" \
    'BEGIN { printf "%s MB, %d rows, %d predicted in %.1f s: %.0f rows/s, %.1f MB/s; peak RSS %.0f MB\n", mb, rows, predicted, e - s, rows / (e - s), mb / (e - s), rss / 1024 }'
