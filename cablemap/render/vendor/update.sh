#!/usr/bin/env bash
# Refresh the vendored Leaflet from the npm registry (pinned version), applying the same edits.
set -euo pipefail
version="${1:-1.9.4}"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack "leaflet@${version}" >/dev/null && tar xzf "leaflet-${version}.tgz")
cp "$tmp/package/dist/leaflet.js" "$here/leaflet.js"
cp "$tmp/package/dist/leaflet.css" "$here/leaflet.css"
cp "$tmp/package/LICENSE" "$here/LEAFLET-LICENSE"
sed -i '/sourceMappingURL/d' "$here/leaflet.js"
sed -i -E 's/url\([^)]*\)/none/g' "$here/leaflet.css"
echo "vendored leaflet ${version}"
