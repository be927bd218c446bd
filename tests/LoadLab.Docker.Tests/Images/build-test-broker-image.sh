#!/usr/bin/env bash
# Builds the image of the test-only `local-mock` environment without any registry: a root file system holding
# only the shared libraries the .NET runtime and librdkafka need, copied from this host and imported with
# `docker import`. The .NET runtime (/usr/share/dotnet) and the built LoadLab CLI (/opt/loadlab) are bind-mounted
# read-only by the environment definition, so the image stays a few MB and never goes stale when the code changes.
# The container runs `dotnet /opt/loadlab/loadlab.dll cluster serve --listen … --advertise …` (see local-mock.yaml).
#
#   build-test-broker-image.sh [image-tag]     (default loadlab-test-broker:local; DOCKER_HOST is honoured)
set -euo pipefail

tag="${1:-loadlab-test-broker:local}"
dotnet_root="${DOTNET_ROOT:-/usr/share/dotnet}"
started_ns=$(date +%s%N)
rootfs="$(mktemp -d /tmp/loadlab-test-broker-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

# shellcheck source=runtime-rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/runtime-rootfs.sh"

rootfs_kb=$(du -sk "$rootfs" | cut -f1)
tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/share/dotnet:/bin' \
    -c 'ENV DOTNET_ROOT=/usr/share/dotnet' \
    -c 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' \
    -c 'ENV DOTNET_gcServer=0' \
    -c 'WORKDIR /opt/loadlab' \
    -c 'LABEL loadlab.test-image=true' \
    - "$tag" >/dev/null
took_ms=$((($(date +%s%N) - started_ns) / 1000000))
echo "built $tag (${rootfs_kb} KiB root file system) in ${took_ms} ms" >&2
