# shellcheck shell=bash
# ./run demo, image part: exact image deltas on OCI layouts, no daemon and no
# registry. Sourced by ./run after lib.sh, fixtures.sh and demo.sh.
#
#   ./run demo                 directory demo (demo.sh), then the image flow on
#                              two images made here from the cached rootfs pair
#   ./run demo SOURCE TARGET   the image flow only, on your own images (any
#                              reference bin/deltaimage reads, e.g.
#                              docker-daemon:app:1.0 docker-daemon:app:1.1)
#
# The flow: bin/deltaimage image diff, image inspect, image apply, then prove
# with jq and sha256sum (not with our code) that the restored image's config,
# hence its image ID, is the target's, and print sizes, ratio and times.
#
# The two demo images are assembled as docker-archive files (the shape of
# `docker save`: manifest.json, config JSON, one layer tar) and turned into OCI
# layouts by `bin/deltaimage copy`. That takes only tar, sha256sum and jq, is
# deterministic (same rootfs, same image ID on every run and machine state),
# and its layers are gzip'd by java.util.zip, so the restored image keeps the
# target's manifest digest too. umoci would do as well for the image ID, but
# its Go gzip blobs cannot be reproduced byte for byte, so the manifest would
# be a new one.

DEMO_IMAGES_DIR="$DEMO_DIR/images"

run_demo_with_images() {
  case "$#" in
    0)
      run_demo
      run_image_demo_on_rootfs_pair
      ;;
    2) run_image_demo "$1" "$2" ;;
    *) die "usage: ./run demo [SOURCE_REF TARGET_REF] (e.g. docker-daemon:app:1.0 docker-daemon:app:1.1)" ;;
  esac
}

# The layout's manifest digest for TAG, from index.json.
layout_manifest_digest() { # LAYOUT TAG
  jq -r --arg t "$2" '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t) | .digest' \
    "$1/index.json"
}
layout_blob() { printf '%s/blobs/%s' "$1" "${2/://}"; } # LAYOUT DIGEST
layout_manifest() { layout_blob "$1" "$(layout_manifest_digest "$1" "$2")"; }
# The image ID: the config digest the manifest names, checked against the
# config bytes themselves, so a layout cannot claim an ID its config lacks.
layout_image_id() { # LAYOUT TAG
  local digest actual
  digest="$(jq -r '.config.digest' "$(layout_manifest "$1" "$2")")"
  actual="sha256:$(sha256sum <"$(layout_blob "$1" "$digest")" | cut -d' ' -f1)"
  [ "$actual" = "$digest" ] || die "config blob of $1:$2 hashes to $actual, not $digest; the layout is corrupt"
  printf '%s' "$digest"
}
layout_layer_bytes() { jq '[.layers[].size] | add' "$(layout_manifest "$1" "$2")"; }  # LAYOUT TAG
layout_last_layer_bytes() { jq '.layers[-1].size' "$(layout_manifest "$1" "$2")"; } # LAYOUT TAG

# write_docker_archive ROOTFS FILE REPO:TAG: a one-layer image of ROOTFS in
# the shape `docker save` writes. Its creation time is the time dpkg last
# changed the tree, so the same rootfs always gives the same image ID.
write_docker_archive() {
  local rootfs="$1" file="$2" name="$3" stage diff_id config created arch
  stage="$(mktemp -d "$DEMO_IMAGES_DIR/.archive.XXXXXX")"
  # Sorted names and numeric owners: the layer's bytes depend on the tree only.
  tar -C "$rootfs" --sort=name --numeric-owner -cf "$stage/layer.tar" . ||
    die "could not tar $rootfs (is it readable by this user?)"
  diff_id="sha256:$(sha256sum <"$stage/layer.tar" | cut -d' ' -f1)"
  created="$(date -u -r "$rootfs/var/lib/dpkg/status" +%Y-%m-%dT%H:%M:%SZ)"
  arch="$(dpkg --print-architecture)"
  jq -cn --arg created "$created" --arg arch "$arch" --arg diff_id "$diff_id" --arg from "${rootfs##*/}" '{
      architecture: $arch, os: "linux", created: $created,
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["bash"] },
      rootfs: { type: "layers", diff_ids: [$diff_id] },
      history: [{ created: $created, created_by: ("deltaimage demo: tar of " + $from) }]
    }' >"$stage/config.json"
  config="$(sha256sum <"$stage/config.json" | cut -d' ' -f1)"
  mv "$stage/config.json" "$stage/$config.json"
  mkdir "$stage/${diff_id#sha256:}"
  mv "$stage/layer.tar" "$stage/${diff_id#sha256:}/layer.tar"
  jq -cn --arg config "$config.json" --arg tag "$name" --arg layer "${diff_id#sha256:}/layer.tar" \
    '[{ Config: $config, RepoTags: [$tag], Layers: [$layer] }]' >"$stage/manifest.json"
  tar -C "$stage" -cf "$file" manifest.json "$config.json" "${diff_id#sha256:}/layer.tar"
  rm -rf "$stage"
}

# The two demo images as OCI layouts target/demo/images/{source,target}.
make_demo_images() {
  local archive="$DEMO_IMAGES_DIR/image.tar"
  step "making images of bookworm-old and bookworm-new (docker-archive -> OCI layout, no daemon)"
  write_docker_archive "$ROOTFS_OLD" "$archive" deltaimage-demo/debian:old
  timed image-copy-source "$DELTAIMAGE_BIN" copy "docker-archive:$archive" "oci:$DEMO_IMAGES_DIR/source:old"
  write_docker_archive "$ROOTFS_NEW" "$archive" deltaimage-demo/debian:new
  timed image-copy-target "$DELTAIMAGE_BIN" copy "docker-archive:$archive" "oci:$DEMO_IMAGES_DIR/target:new"
  rm -f "$archive"
}

run_image_demo_on_rootfs_pair() {
  ensure_packages jq
  remove_tree "$DEMO_IMAGES_DIR"
  mkdir -p "$DEMO_IMAGES_DIR"
  make_demo_images
  run_image_demo "oci:$DEMO_IMAGES_DIR/source:old" "oci:$DEMO_IMAGES_DIR/target:new"
}

# The target's image ID as a tool other than ours reads it: jq on an OCI
# layout, else skopeo (the raw config bytes, hashed).
target_image_id() { # REF
  local ref="$1" dir tag
  if [[ "$ref" == oci:* ]]; then
    dir="${ref#oci:}"; tag="${dir##*:}"; dir="${dir%:*}"
    layout_image_id "$dir" "$tag"
    return
  fi
  case "$ref" in
    docker://* | docker-daemon:* | docker-archive:* | oci-archive:*) ;;
    *) ref="docker://$ref" ;; # a bare NAME[:TAG] is a registry image
  esac
  local args=(inspect --raw --config)
  # Our CLI speaks plain HTTP to local registries; skopeo has to be told.
  [[ "$ref" =~ ^docker://(127\.0\.0\.1|localhost)[:/] ]] && args+=(--tls-verify=false)
  # skopeo does not read DOCKER_HOST itself (our CLI, like docker, does).
  [[ "$ref" == docker-daemon:* && -n "${DOCKER_HOST:-}" ]] && args+=(--daemon-host "$DOCKER_HOST")
  local config
  config="$(mktemp)"
  skopeo "${args[@]}" "$ref" >"$config" 2>"$config.err" ||
    { cat "$config.err" >&2; rm -f "$config" "$config.err"; die "skopeo could not read the config of $1 (message above); check the reference and your login"; }
  printf 'sha256:%s' "$(sha256sum <"$config" | cut -d' ' -f1)"
  rm -f "$config" "$config.err"
}

# A reference as the user reads it: paths inside the checkout made relative.
show_ref() { printf '%s' "${1//"$REPO_ROOT"\//}"; }

# run_image_demo SOURCE_REF TARGET_REF: the exact image flow, into
# target/demo/images/{delta,restored}.
run_image_demo() {
  local src="$1" tgt="$2"
  [[ "$src" == oci:"$DEMO_IMAGES_DIR"/* ]] || ensure_packages jq skopeo xdelta3 time
  ensure_cli_built
  mkdir -p "$DEMO_IMAGES_DIR"
  remove_tree "$DEMO_IMAGES_DIR/delta"
  remove_tree "$DEMO_IMAGES_DIR/restored"
  local delta="$DEMO_IMAGES_DIR/delta" restored="$DEMO_IMAGES_DIR/restored"

  step "bin/deltaimage image diff $(show_ref "$src") $(show_ref "$tgt") oci:$(show_ref "$delta"):delta"
  timed image-diff "$DELTAIMAGE_BIN" image diff "$src" "$tgt" "oci:$delta:delta"
  step "bin/deltaimage image inspect oci:${delta#"$REPO_ROOT"/}:delta"
  "$DELTAIMAGE_BIN" image inspect "oci:$delta:delta" || die "image inspect of the delta failed; see the message above"
  step "bin/deltaimage image apply oci:${delta#"$REPO_ROOT"/}:delta oci:${restored#"$REPO_ROOT"/}:restored"
  timed image-apply "$DELTAIMAGE_BIN" image apply "oci:$delta:delta" "oci:$restored:restored"

  step "comparing the restored image with the target (jq, sha256sum$([[ "$tgt" == oci:* ]] || printf ', skopeo'))"
  local want have target_bytes delta_bytes
  want="$(target_image_id "$tgt")"
  have="$(layout_image_id "$restored" restored)"
  target_bytes="$(layout_layer_bytes "$restored" restored)"
  delta_bytes="$(layout_last_layer_bytes "$delta" delta)"
  printf '\n'
  printf '%-24s %s\n' "target image ID" "$want"
  printf '%-24s %s\n' "restored image ID" "$have"
  if [[ "$tgt" == oci:* ]]; then
    local tdir="${tgt#oci:}"
    printf '%-24s %s\n' "target manifest" "$(layout_manifest_digest "${tdir%:*}" "${tdir##*:}")"
    printf '%-24s %s\n' "restored manifest" "$(layout_manifest_digest "$restored" restored)"
    if [ "$(layout_manifest_digest "${tdir%:*}" "${tdir##*:}")" = "$(layout_manifest_digest "$restored" restored)" ]; then
      printf '%-24s %s\n' "" "equal: every blob reproduced byte for byte"
    else
      printf '%-24s %s\n' "" "differ: a layer blob was not reproducible (not gzip'd by java.util.zip)"
    fi
  fi
  printf '%-24s %15s bytes (layer blobs, gzip'"'"'d)\n' "target image" "$target_bytes"
  printf '%-24s %15s bytes (%s of the target)\n' "delta layer" "$delta_bytes" "$(percent "$delta_bytes" "$target_bytes")"
  printf '%-24s %12s s %11s MiB peak RSS\n' "image diff" "$(time_seconds image-diff)" "$(time_rss_mib image-diff)"
  printf '%-24s %12s s %11s MiB peak RSS\n\n' "image apply" "$(time_seconds image-apply)" "$(time_rss_mib image-apply)"
  [ "$want" = "$have" ] ||
    die "the restored image ID differs from the target's; keep ${DEMO_IMAGES_DIR#"$REPO_ROOT"/} and report it as a bug"
  printf 'restored image equals the target: image ID %s (delta and restored image in %s)\n' \
    "$have" "${DEMO_IMAGES_DIR#"$REPO_ROOT"/}"
}
