#!/usr/bin/env bash
# Regenerates src/Recurrent/PublicAPI.Unshipped.txt from the code: the whole public surface that is not in
# PublicAPI.Shipped.txt. Run it after changing the public API (the build fails with RS0016 for a public member missing
# from the file, RS0017 for a listed one that is gone), then review the diff of the file.
#
# It empties the Unshipped file and lets the analyzer's own code fix for RS0016 (Microsoft.CodeAnalysis.PublicApiAnalyzers)
# list every public symbol again, so additions and removals both show. Works offline once the packages are restored.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
project="$root/src/Recurrent/Recurrent.csproj"
unshipped="$root/src/Recurrent/PublicAPI.Unshipped.txt"

# Restores only when the packages are not already on disk; an offline machine with a restored tree skips it.
if [[ ! -f "$root/src/Recurrent/obj/project.assets.json" ]]; then
    dotnet restore "$project"
fi

printf '#nullable enable\n' > "$unshipped"
dotnet format analyzers "$project" --no-restore --diagnostics RS0016 --severity warn

echo "$(grep -vc '^#' "$unshipped") public symbols in ${unshipped#"$root"/}"
