#!/usr/bin/env bash
# Source: onnx/onnx.proto3 of github.com/onnx/onnx at commit f7546912001bc31e92a238b17068a21b373d882e (2026-08-22, IR version 14).
# Regenerates src/Recurrent.Onnx/Proto/Onnx.g.cs, the ONNX protobuf classes, from onnx.proto3 of the ONNX repository
# (github.com/onnx/onnx, onnx/onnx.proto3). The classes are generated once and committed, so a build needs no protoc:
#   bash eng/generate-onnx-proto.sh PATH/TO/onnx.proto3
# protoc comes from the Google.Protobuf.Tools package (restored into a throwaway project); the classes are internal
# (csharp_opt=internal_access), so the ONNX schema is not part of Recurrent.Onnx's public API.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
proto=${1:?usage: eng/generate-onnx-proto.sh PATH/TO/onnx.proto3}
version=3.36.2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/tools.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
  <ItemGroup><PackageReference Include="Google.Protobuf.Tools" Version="$version" /></ItemGroup>
</Project>
XML
dotnet restore "$work/tools.csproj" --packages "$work/packages" > /dev/null
protoc="$work/packages/google.protobuf.tools/$version/tools/linux_x64/protoc"
chmod +x "$protoc"
# The C# namespace is set here rather than by editing the schema.
sed 's/^package onnx;/package onnx;\noption csharp_namespace = "Recurrent.Onnx.Proto";/' "$proto" > "$work/onnx.proto3"
"$protoc" --proto_path="$work" --csharp_out="$work" --csharp_opt=internal_access,file_extension=.g.cs "$work/onnx.proto3"
mv "$work/Onnx.g.cs" src/Recurrent.Onnx/Proto/Onnx.g.cs
echo "wrote src/Recurrent.Onnx/Proto/Onnx.g.cs"
