#!/usr/bin/env bash
# Regenerates PublicAPI.Unshipped.txt of each library (src/Recurrent, src/Recurrent.Onnx, src/Recurrent.PyTorch, src/Recurrent.Mpi, src/Recurrent.View, or
# the ones named: eng/update-public-api.sh Recurrent.Onnx) from the code: the whole public surface that is not in
# PublicAPI.Shipped.txt. Run it after changing a public API (the build fails with RS0016 for a public member missing
# from the file, RS0017 for a listed one that is gone), then review the diff of the file.
#
# It empties the Unshipped file and lets the analyzer's own code fix for RS0016 (Microsoft.CodeAnalysis.PublicApiAnalyzers)
# list every public symbol again, so additions and removals both show. Works offline once the packages are restored.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
names=("$@")
[[ ${#names[@]} -eq 0 ]] && names=(Recurrent Recurrent.Onnx Recurrent.PyTorch Recurrent.Mpi Recurrent.View)
for name in "${names[@]}"; do
    project="$root/src/$name/$name.csproj"
    unshipped="$root/src/$name/PublicAPI.Unshipped.txt"
    # Restores only when the packages are not already on disk; an offline machine with a restored tree skips it.
    if [[ ! -f "$root/src/$name/obj/project.assets.json" ]]; then
        dotnet restore "$project"
    fi
    printf '#nullable enable\n' > "$unshipped"
    dotnet format analyzers "$project" --no-restore --diagnostics RS0016 --severity warn
    echo "$(grep -vc '^#' "$unshipped" || true) public symbols in ${unshipped#"$root"/}"
done
