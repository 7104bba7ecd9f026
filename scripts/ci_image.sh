#!/usr/bin/env bash
# issue 13: build the image and run its smoke test (scripts/image_smoke.py), as .ci/run does.
#   scripts/ci_image.sh            # from the repository root, as root, with .venv set up
# Installs docker and debootstrap from Debian's packages when missing, starts a docker daemon
# without a bridge network (containers use the host's network only), builds a Debian 12 base
# (deploy/build-base.sh) unless COACH_CI_BASE names an image that is here, builds wheels on
# the host (no index inside the build), builds the image with BASE and PIP_ARGS=--no-index,
# then runs the smoke test. Exit 0 with a line starting "SKIP image" when docker truly cannot
# run here; any failure once docker runs is a failure.
set -euo pipefail
cd "$(dirname "$0")/.."
skip() { echo "SKIP image build and smoke test: $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "not root (installing docker and building a base need root)"

if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1; then
  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io debootstrap) \
    >/tmp/coach-ci-apt.log 2>&1 || skip "apt-get install docker.io debootstrap failed ($(tail -1 /tmp/coach-ci-apt.log))"
fi
# the compose file as docker-compose reads it, with .env.example as its .env
if command -v docker-compose >/dev/null 2>&1 || apt-get install -y -q docker-compose >/dev/null 2>&1; then
  tmp="$(mktemp -d)"; cp docker-compose.yml "$tmp/"; cp .env.example "$tmp/.env"
  (cd "$tmp" && docker-compose config -q && docker-compose --profile rasa config -q)
  echo "docker-compose.yml is valid for $(docker-compose version --short) (with and without the rasa profile)"
  rm -rf "$tmp"
fi
started_dockerd=""
if ! docker info >/dev/null 2>&1; then
  # no bridge: no addresses beyond loopback are made or used; every container is --network host
  dockerd --bridge=none --iptables=false --ip6tables=false >/tmp/coach-ci-dockerd.log 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || skip "the docker daemon does not start here ($(tail -1 /tmp/coach-ci-dockerd.log))"
fi
stop_dockerd() { if [ -n "$started_dockerd" ]; then kill "$started_dockerd" 2>/dev/null || true; wait "$started_dockerd" 2>/dev/null || true; fi; }
trap stop_dockerd EXIT

base="${COACH_CI_BASE:-}"
if [ -z "$base" ] || ! docker image inspect "$base" >/dev/null 2>&1; then
  if docker image inspect python:3.11-slim >/dev/null 2>&1; then
    base=python:3.11-slim
  else
    base=coach-base:bookworm
    t0=$(date +%s)
    deploy/build-base.sh "$base"
    echo "base image: $(( $(date +%s) - t0 )) s"
  fi
fi

t0=$(date +%s)
# async-timeout: Debian 12's Python is 3.11.2, and redis needs it below 3.11.3 (the host's
# newer 3.11 does not, so `pip wheel .` alone leaves it out)
.venv/bin/pip wheel -q -w deploy/wheels . 'setuptools>=68' 'async-timeout>=4.0.3' \
  2>/tmp/coach-ci-wheels.log || { tail -20 /tmp/coach-ci-wheels.log; exit 1; }
# the project itself is installed from its source; without its wheel (new bytes every time)
# the dependencies' layer stays cached from one build to the next
rm -f deploy/wheels/caseworker_coach-*.whl
echo "wheels: $(( $(date +%s) - t0 )) s"
t0=$(date +%s)
timeout 1800 docker build -q --network host --build-arg BASE="$base" \
  --build-arg PIP_ARGS=--no-index -t coach:ci . >/dev/null
echo "image coach:ci on $base: built in $(( $(date +%s) - t0 )) s, $(docker image inspect -f '{{.Size}}' coach:ci | numfmt --to=iec)"
rm -f deploy/wheels/*.whl
.venv/bin/python scripts/image_smoke.py --image coach:ci
