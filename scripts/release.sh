#!/usr/bin/env bash
# Builds sseinspect's release archives, reproducibly: the same commit and Go
# toolchain give the same bytes, wherever and whenever they are built.
#
# Usage: scripts/release.sh VERSION [GOOS/GOARCH...]
#   VERSION   the release's tag, vX.Y.Z
#   targets   default: linux, darwin and windows, each amd64 and arm64
# Environment:
#   OUT                 the output folder (default dist; emptied first)
#   SOURCE_DATE_EPOCH   the time stamped everywhere (default: the commit's time)
#   ALLOW_DIRTY=1       build from a modified work tree (not for a release)
#
# Writes OUT/sseinspect_X.Y.Z_GOOS_GOARCH.tar.gz (windows: .zip), each with
# the binary, LICENSE, README.md, CHANGELOG.md, man pages (man/) and shell
# completions (completions/), and OUT/checksums.txt (SHA-256, as sha256sum
# prints them; check with `sha256sum -c checksums.txt`).
set -euo pipefail
cd "$(dirname "$0")/.."

version=${1:-}
if [[ ! $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "usage: scripts/release.sh vX.Y.Z [GOOS/GOARCH...]" >&2
  exit 2
fi
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
fi
if [ -n "$(git status --porcelain)" ] && [ "${ALLOW_DIRTY:-}" != 1 ]; then
  echo "release.sh: the work tree has changes; commit them (or set ALLOW_DIRTY=1 for a trial build)" >&2
  exit 1
fi

commit=$(git rev-parse HEAD)
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct)}
date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ 2> /dev/null ||
  date -u -r "$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ) # GNU, else BSD date
out=${OUT:-dist}
stage=$out/.stage
rm -rf "$out"
mkdir -p "$stage/man" "$stage/completions" "$stage/host"

# -trimpath: no paths of the build machine in the binary; CGO off: static
# binaries, no C toolchain; -buildvcs=true: the commit recorded for
# `go version -m` too (this machine's GOFLAGS may say otherwise). The
# version --version prints comes from -ldflags.
pkg=github.com/sseinspect/sseinspect/internal/version
ldflags="-s -w -X $pkg.version=$version -X $pkg.commit=$commit -X $pkg.date=$date"
build() { CGO_ENABLED=0 go build -trimpath -buildvcs=true -ldflags "$ldflags" -o "$@" .; }

# The man pages and completions, from a build for this machine.
go run ./internal/gendocs -md '' -man "$stage/man"
build "$stage/host/sseinspect"
"$stage/host/sseinspect" completion bash > "$stage/completions/sseinspect.bash"
"$stage/host/sseinspect" completion zsh > "$stage/completions/_sseinspect"
"$stage/host/sseinspect" completion fish > "$stage/completions/sseinspect.fish"
"$stage/host/sseinspect" completion powershell > "$stage/completions/sseinspect.ps1"

for target in "${targets[@]}"; do
  goos=${target%/*} goarch=${target#*/}
  name=sseinspect_${version#v}_${goos}_${goarch}
  dir=$stage/$name
  exe=sseinspect
  ext=tar.gz
  if [ "$goos" = windows ]; then exe=sseinspect.exe ext=zip; fi
  mkdir -p "$dir"
  GOOS=$goos GOARCH=$goarch build "$dir/$exe"
  cp LICENSE README.md CHANGELOG.md "$dir/"
  cp -R "$stage/man" "$stage/completions" "$dir/"
  go run ./internal/packdist -mtime "$SOURCE_DATE_EPOCH" -o "$out/$name.$ext" "$dir"
  echo "$out/$name.$ext"
done
rm -rf "$stage"

(
  cd "$out"
  shopt -s nullglob
  archives=(*.tar.gz *.zip)
  if command -v sha256sum > /dev/null; then sha256sum -- "${archives[@]}"; else shasum -a 256 -- "${archives[@]}"; fi
) > "$out/checksums.txt"
echo "$out/checksums.txt"
