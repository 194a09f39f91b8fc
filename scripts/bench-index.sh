#!/usr/bin/env bash
# Multi-platform deltas, measured: two releases of a two-platform image (linux/amd64 is the Debian
# fixture deltaimage-test/debian:old and :new from the test daemon; linux/arm64 the same layers under
# a config declaring arm64), as OCI image indexes in one OCI layout. Runs `image diff` of the two
# indexes and `image apply` of the delta index with the CLI, and prints the delta index's size, the
# target's blobs, CPU seconds and peak RSS of each, and whether the restored index digest is the
# target's. A measurement, not a test.
# Usage: scripts/bench-index.sh [WORK-DIR]   (needs eval "$(./run services env)" and skopeo)
# DELTAIMAGE_CLI overrides the command (default: bin/deltaimage, which builds the CLI when missing).
set -euo pipefail

bench_index() {
  local repo work cli
  repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  work="${1:-$(mktemp -d)}"
  cli="${DELTAIMAGE_CLI:-$repo/bin/deltaimage}"
  : "${DOCKER_HOST:?run eval \"\$(./run services env)\" first}"
  mkdir -p "$work"
  rm -rf "$work/multi" "$work/delta" "$work/restored"
  for tag in old new; do
    skopeo copy -q --src-daemon-host "$DOCKER_HOST" "docker-daemon:deltaimage-test/debian:$tag" \
      "oci:$work/multi:amd64-$tag" >/dev/null
  done
  # Per release: the amd64 image, an arm64 twin (same layers, config says arm64), an index of both.
  python3 - "$work/multi" <<'PY'
import hashlib, json, os, sys
layout = sys.argv[1]
blobs = os.path.join(layout, "blobs", "sha256")
def read(d): return open(os.path.join(blobs, d.split(":")[1]), "rb").read()
def put(b):
    d = "sha256:" + hashlib.sha256(b).hexdigest()
    open(os.path.join(blobs, d.split(":")[1]), "wb").write(b)
    return d
top = json.load(open(os.path.join(layout, "index.json")))
out = []
for tag in ("old", "new"):
    e = next(m for m in top["manifests"] if m["annotations"]["org.opencontainers.image.ref.name"] == "amd64-" + tag)
    manifest = json.loads(read(e["digest"]))
    config = json.loads(read(manifest["config"]["digest"]))
    config["architecture"] = "arm64"
    cb = json.dumps(config, separators=(",", ":")).encode()
    manifest["config"]["digest"], manifest["config"]["size"] = put(cb), len(cb)
    mb = json.dumps(manifest, separators=(",", ":")).encode()
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": [
        {"mediaType": e["mediaType"], "digest": e["digest"], "size": e["size"], "platform": {"architecture": "amd64", "os": "linux"}},
        {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": put(mb), "size": len(mb), "platform": {"architecture": "arm64", "os": "linux"}}]}
    ib = json.dumps(index, separators=(",", ":")).encode()
    out.append({"mediaType": index["mediaType"], "digest": put(ib), "size": len(ib), "annotations": {"org.opencontainers.image.ref.name": tag}})
json.dump({"schemaVersion": 2, "manifests": out}, open(os.path.join(layout, "index.json"), "w"))
PY
  local target
  target="$(skopeo inspect --raw "oci:$work/multi:new" | sha256sum | cut -d' ' -f1)"
  echo "target index sha256:$target"
  /usr/bin/time -f 'diff: %U s user, %S s system, %M kB peak RSS, %e s wall' \
    "$cli" image diff "oci:$work/multi:old" "oci:$work/multi:new" "oci:$work/delta:d" | grep -E '^(Index|  linux|Apply)'
  /usr/bin/time -f 'apply: %U s user, %S s system, %M kB peak RSS, %e s wall' \
    "$cli" image apply "oci:$work/delta:d" "oci:$work/restored:new" | grep -E '^(Restored|Index)'
  local restored
  restored="$(skopeo inspect --raw "oci:$work/restored:new" | sha256sum | cut -d' ' -f1)"
  if [[ "$restored" == "$target" ]]; then echo "restored index digest = the target's"; else echo "restored index sha256:$restored differs"; fi
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  bench_index "$@"
fi
