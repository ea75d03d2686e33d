#!/usr/bin/env bash
# Builds the Claude Desktop bundle (MCPB) for one platform: the aps-mcp
# binary and manifest.json, validated and packed by @anthropic-ai/mcpb (pinned
# in package-lock.json), and server.json for the MCP registry with the
# bundle's SHA-256 filled in.
#
#   bash bundle/build.sh [OUT_DIR]      # default bundle/dist
#   GOOS=darwin GOARCH=arm64 bash bundle/build.sh
#
# Writes OUT_DIR/aps-mcp-GOOS-GOARCH.mcpb and OUT_DIR/server.json. Needs Go,
# Node.js 20 or newer and npm; npm ci runs once, when node_modules is missing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
out="$(mkdir -p "${1:-$here/dist}" && cd "${1:-$here/dist}" && pwd)"
goos="${GOOS:-$(go env GOOS)}"
goarch="${GOARCH:-$(go env GOARCH)}"

if [ ! -x "$here/node_modules/.bin/mcpb" ]; then
	(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
mcpb="$here/node_modules/.bin/mcpb"

# The bundle's directory: the manifest, limited to the platform built for,
# and the binary where the manifest's entry point says.
stage="$out/stage-$goos-$goarch"
rm -rf "$stage"
mkdir -p "$stage/server"
exe=aps-mcp
platform="$goos"
case "$goos" in
windows) exe=aps-mcp.exe platform=win32 ;;
darwin | linux) ;;
*) echo "build.sh: Claude Desktop runs on darwin, linux and windows, not $goos" >&2; exit 2 ;;
esac
(cd "$root" && CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" go build -trimpath -o "$stage/server/$exe" .)
node -e '
const fs = require("fs");
const [src, dst, platform] = process.argv.slice(1);
const m = JSON.parse(fs.readFileSync(src, "utf8"));
m.compatibility = { ...m.compatibility, platforms: [platform] };
fs.writeFileSync(dst, JSON.stringify(m, null, 2) + "\n");
' "$here/manifest.json" "$stage/manifest.json" "$platform"

"$mcpb" validate "$stage/manifest.json" >&2
bundle="$out/aps-mcp-$goos-$goarch.mcpb"
rm -f "$bundle"
"$mcpb" pack "$stage" "$bundle" >/dev/null
rm -rf "$stage"

# server.json: the registry's entry, with this bundle's hash in its package
# (OUT_DIR's from an earlier run for another platform keeps that one's).
template="$here/server.json"
[ -f "$out/server.json" ] && template="$out/server.json"
node -e '
const fs = require("fs");
const crypto = require("crypto");
const [src, dst, bundle] = process.argv.slice(1);
const s = JSON.parse(fs.readFileSync(src, "utf8"));
const name = require("path").basename(bundle);
const pkg = s.packages.find((p) => p.identifier.endsWith("/" + name));
if (!pkg) { console.error("server.json has no package for " + name); process.exit(1); }
pkg.fileSha256 = crypto.createHash("sha256").update(fs.readFileSync(bundle)).digest("hex");
fs.writeFileSync(dst, JSON.stringify(s, null, 2) + "\n");
' "$template" "$out/server.json" "$bundle"
echo "$bundle"
