#!/usr/bin/env bash
# Builds the silo image offline (no public container registry): a Debian bookworm base made with debootstrap
# (cached), turned into an OCI layout by umoci, served by a throw-away Debian docker-registry on 127.0.0.1 for the
# .NET SDK's own `dotnet publish -t:PublishContainer` to build on, then copied out as one OCI archive.
#
# Usage: scripts/build-image.sh [--base-only] [--tag TAG] [--out FILE]
#   --base-only   build (or find cached) the base layer and stop (scripts/setup.sh --tests does this)
#   --tag TAG     the image tag (default: the chart's appVersion, which the chart deploys when image.tag is empty)
#   --out FILE    the OCI archive to write (default: .build/image/clipper-TAG.oci.tar)
# Environment: CLIPPER_IMAGE_CACHE (where the base is cached; default $CLIPPER_ASSETS/image, next to the other
# fetched assets), CLIPPER_IMAGE_REGISTRY_PORT (the local registry's port, default 5000).
#
# The image: /app/clipper (the host's apphost, framework-dependent on the .NET runtime in the base layer),
# entrypoint `/app/clipper serve`, user 10001:10001, CLIPPER_HOME=/var/lib/clipper; ffmpeg, pocketsphinx and its
# en-us model, the caption fonts (League Spartan, DejaVu, Noto) with a built font cache, yt-dlp, and the BlazeFace
# face model (CLIPPER_ASSETS=/usr/share/clipper/assets). It writes only under CLIPPER_HOME and /tmp, so the root
# file system can be read-only. Everything else comes from the environment (the chart's ConfigMap and Secret).
set -euo pipefail
T0=$SECONDS
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="${CLIPPER_ASSETS:-$ROOT/.assets}"
CACHE="${CLIPPER_IMAGE_CACHE:-$ASSETS/image}"
PORT="${CLIPPER_IMAGE_REGISTRY_PORT:-5000}"
say() { echo "[image] $*" >&2; }
die() { say "error: $*"; exit 1; }

BASE_ONLY=0
TAG=""
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --base-only) BASE_ONLY=1 ;;
    --tag) TAG="$2"; shift ;;
    --out) OUT="$2"; shift ;;
    *) die "unknown option $1 (see the header of $0)" ;;
  esac
  shift
done
[ -n "$TAG" ] || TAG=$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' "$ROOT/helm/clipper/Chart.yaml")
[ -n "$OUT" ] || OUT="$ROOT/.build/image/clipper-$TAG.oci.tar"
[ "$(id -u)" = 0 ] || die "debootstrap and umoci need root (run as root, or with sudo)"
for tool in debootstrap umoci docker-registry skopeo; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: run scripts/setup.sh --tests"
done
MODEL="$ASSETS/blazeface/face_detection_back_256x256_barracuda.onnx"
[ -f "$MODEL" ] || die "$MODEL is missing: run scripts/setup.sh"

# What the silo loads at run time, beyond the .NET runtime (the host's own, copied in).
PACKAGES=(ca-certificates libicu72 libssl3 zlib1g tzdata libstdc++6 libgcc-s1
  ffmpeg pocketsphinx pocketsphinx-en-us
  fontconfig fonts-league-spartan fonts-inter fonts-bebas-neue fonts-dejavu-core fonts-noto-core
  yt-dlp)
SUITE=bookworm
MIRROR=http://deb.debian.org/debian
RUNTIME=$(dotnet --list-runtimes | awk '$1 == "Microsoft.NETCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')
ASPNET=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ { v = $2 } END { print v }')
DOTNET_DIR=$(dirname "$(readlink -f "$(command -v dotnet)")")
[ -n "$RUNTIME" ] && [ -n "$ASPNET" ] || die "no .NET 10 runtime found next to the SDK"
# The base is rebuilt when anything that goes into it changes: this key names its cache directory.
KEY=$( { echo "$SUITE ${PACKAGES[*]} dotnet $RUNTIME aspnet $ASPNET"; sha256sum "$MODEL" | cut -d' ' -f1;
  sed -n '/^# BASE-RECIPE-BEGIN/,/^# BASE-RECIPE-END/p' "${BASH_SOURCE[0]}"; } | sha256sum | cut -c1-16)
BASE="$CACHE/base-$SUITE-$KEY"
BASE_REF="clipper-base:$SUITE-$KEY"

# BASE-RECIPE-BEGIN (a change in here rebuilds the cached base)
build_base() {
  local work rootfs started=$SECONDS
  mkdir -p "$CACHE"
  work=$(mktemp -d "$CACHE/.base-XXXXXX")
  rootfs="$work/rootfs"
  say "building the base: debootstrap --variant=minbase $SUITE with ${PACKAGES[*]} (a few minutes, once)"
  local include; include=$(IFS=,; echo "${PACKAGES[*]}")
  if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1; then
    tail -n 20 "$work/debootstrap.log" >&2
    die "debootstrap failed (log above; whole log in $work/debootstrap.log)"
  fi
  # the font cache, built now: the root is read-only at run time
  chroot "$rootfs" /usr/bin/fc-cache -f >/dev/null
  # the .NET runtime the SDK here runs on (no Microsoft registry is reachable): /usr/share/dotnet, where the apphost looks
  mkdir -p "$rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App" "$rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App"
  cp -a "$DOTNET_DIR/dotnet" "$DOTNET_DIR/host" "$rootfs/usr/share/dotnet/"
  cp -a "$DOTNET_DIR"/LICENSE.txt "$DOTNET_DIR"/ThirdPartyNotices.txt "$rootfs/usr/share/dotnet/" 2>/dev/null || true
  cp -a "$DOTNET_DIR/shared/Microsoft.NETCore.App/$RUNTIME" "$rootfs/usr/share/dotnet/shared/Microsoft.NETCore.App/"
  cp -a "$DOTNET_DIR/shared/Microsoft.AspNetCore.App/$ASPNET" "$rootfs/usr/share/dotnet/shared/Microsoft.AspNetCore.App/"
  ln -s /usr/share/dotnet/dotnet "$rootfs/usr/bin/dotnet"
  # the face model
  install -D -m 0644 "$MODEL" "$rootfs/usr/share/clipper/assets/blazeface/$(basename "$MODEL")"
  # the silo's user and its home (the chart mounts a volume there)
  echo "clipper:x:10001:10001:Clipper silo:/var/lib/clipper:/usr/sbin/nologin" >>"$rootfs/etc/passwd"
  echo "clipper:x:10001:" >>"$rootfs/etc/group"
  echo "clipper:!:20000::::::" >>"$rootfs/etc/shadow"
  install -d -o 10001 -g 10001 -m 0750 "$rootfs/var/lib/clipper"
  # what a running silo never reads
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/dev/* "$rootfs"/run/*
  # one layer, by umoci (an OCI layout; its config is the SDK's to write)
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:base"
  umoci unpack --image "$work/oci:base" "$work/bundle" >/dev/null
  rm -rf "$work/bundle/rootfs"
  mv "$rootfs" "$work/bundle/rootfs"
  umoci repack --image "$work/oci:base" "$work/bundle"
  umoci config --image "$work/oci:base" --config.user 10001:10001 --config.workingdir /app \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
  umoci gc --layout "$work/oci"
  rm -rf "$BASE"
  echo "$((SECONDS - started))" >"$work/oci/clipper-build-seconds"
  mv "$work/oci" "$BASE"
  rm -rf "$work"
  say "base built in $((SECONDS - started)) s: $(du -sh "$BASE" | cut -f1) compressed, cached in $BASE"
}
# BASE-RECIPE-END

if [ -f "$BASE/index.json" ]; then
  say "base cached: $BASE (found in $((SECONDS - T0)) s)"
  [ -f "$BASE/clipper-build-seconds" ] && say "the cached base took $(cat "$BASE/clipper-build-seconds") s to build"
else
  build_base
  # older bases are left by older recipes: keep only this one
  find "$CACHE" -maxdepth 1 -name 'base-*' ! -path "$BASE" -exec rm -rf {} +
fi
[ "$BASE_ONLY" = 1 ] && exit 0

# A registry on loopback for the SDK to read the base from and push the image to; its storage lives only for this build.
started=$SECONDS
REG=$(mktemp -d "${TMPDIR:-/tmp}/clipper-registry-XXXXXX")
cat >"$REG/config.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $REG/storage
http:
  addr: 127.0.0.1:$PORT
EOF
REGPID=""
cleanup() {
  local rc=$?
  if [ -n "$REGPID" ]; then kill "$REGPID" 2>/dev/null; wait "$REGPID" 2>/dev/null || true; fi
  rm -rf "$REG"
  exit "$rc"
}
trap cleanup EXIT
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
  die "127.0.0.1:$PORT is taken: set CLIPPER_IMAGE_REGISTRY_PORT to a free port"
fi
docker-registry serve "$REG/config.yml" >"$REG/registry.log" 2>&1 &
REGPID=$!
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  kill -0 "$REGPID" 2>/dev/null || { cat "$REG/registry.log" >&2; die "docker-registry did not start"; }
  sleep 0.1
done
(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || die "docker-registry did not listen on 127.0.0.1:$PORT within 10 s"
skopeo copy --quiet --dest-tls-verify=false "oci:$BASE:base" "docker://localhost:$PORT/$BASE_REF"
say "base served on localhost:$PORT in $((SECONDS - started)) s"

# The app layer: the SDK builds the image on the base and pushes it to the local registry.
started=$SECONDS
PUBLISH_LOG="$ROOT/.build/image/publish.log"
mkdir -p "$(dirname "$PUBLISH_LOG")" "$(dirname "$OUT")"
if ! dotnet publish "$ROOT/silo-host/Clipper.Host/Clipper.Host.csproj" -c Release -r linux-x64 --self-contained false \
    -t:PublishContainer -v minimal -nologo \
    -p:ContainerBaseImage="localhost:$PORT/$BASE_REF" \
    -p:ContainerRegistry="localhost:$PORT" -p:ContainerRepository=clipper -p:ContainerImageTag="$TAG" \
    >"$PUBLISH_LOG" 2>&1; then
  tail -n 30 "$PUBLISH_LOG" >&2
  die "dotnet publish -t:PublishContainer failed (whole log: $PUBLISH_LOG)"
fi
say "app layer published in $((SECONDS - started)) s"

started=$SECONDS
rm -f "$OUT"
skopeo copy --quiet --src-tls-verify=false "docker://localhost:$PORT/clipper:$TAG" "oci-archive:$OUT:clipper:$TAG"
say "archive written in $((SECONDS - started)) s"
size=$(skopeo inspect --raw "oci-archive:$OUT" | python3 -c 'import json,sys; m=json.load(sys.stdin); print(sum(l["size"] for l in m["layers"]))' 2>/dev/null || echo "?")
say "image clipper:$TAG: $OUT ($(du -h "$OUT" | cut -f1) on disk; layers $size bytes compressed)"
say "push it to your registry with:"
say "  skopeo copy oci-archive:$OUT docker://REGISTRY/clipper:$TAG"
say "(or: podman load -i $OUT && podman push clipper:$TAG REGISTRY/clipper:$TAG); then helm … --set image.repository=REGISTRY/clipper"
echo "$OUT"
