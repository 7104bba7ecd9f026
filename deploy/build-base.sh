#!/usr/bin/env bash
# Builds a Debian 12 base image with Python 3.11 from Debian's packages, for machines where
# no image registry is reachable (this project's CI). A municipality builds on
# python:3.11-slim instead (the Dockerfile's default BASE) and does not need this.
#   deploy/build-base.sh [IMAGE]     # default coach-base:bookworm
# Needs root, debootstrap and a running docker daemon; does nothing when IMAGE exists.
set -euo pipefail
image="${1:-coach-base:bookworm}"
if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base image $image is already here"
  exit 0
fi
root="$(mktemp -d /var/tmp/coach-base.XXXXXX)"
trap 'rm -rf "$root"' EXIT
# python3-venv brings ensurepip (the Dockerfile installs into a venv); ca-certificates for TLS
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  bookworm "$root" >"$root.log" 2>&1 || { tail -20 "$root.log"; rm -f "$root.log"; exit 1; }
rm -f "$root.log"
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
tar -C "$root" -c . | docker import - "$image" >/dev/null
echo "base image $image built ($(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec))"
