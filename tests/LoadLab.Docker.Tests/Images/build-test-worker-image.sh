#!/usr/bin/env bash
# Builds a LoadLab worker image without any registry, as a stand-in for environments/kubernetes/Dockerfile's image in
# tests: a root file system with the host libraries the .NET runtime and librdkafka need (runtime-rootfs.sh), the
# LoadLab CLI build copied into /opt/loadlab, and the programs a worker uses besides .NET — sh and curl for fault hooks,
# tar for collecting the results, sleep for the collector — imported with `docker import`. The .NET runtime is
# bind-mounted read-only at /usr/share/dotnet by the containers that run it.
#
#   build-test-worker-image.sh <cli-dir> [image-tag]     (default loadlab-test-worker:local; DOCKER_HOST is honoured)
set -euo pipefail

cli_dir="${1:?the folder of the built LoadLab CLI (loadlab.dll)}"
tag="${2:-loadlab-test-worker:local}"
dotnet_root="${DOTNET_ROOT:-/usr/share/dotnet}"
started_ns=$(date +%s%N)
rootfs="$(mktemp -d /tmp/loadlab-test-worker-rootfs.XXXXXX)"
trap 'rm -rf "$rootfs"' EXIT

# shellcheck source=runtime-rootfs.sh
source "$(dirname "${BASH_SOURCE[0]}")/runtime-rootfs.sh"

for program in dash curl tar sleep; do copy_program "$program"; done
mkdir -p "$rootfs/bin"
ln -sf "$(command -v dash)" "$rootfs/bin/sh"

# The CLI and what it loads on linux-x64; the other platforms' native libraries and test assemblies stay out.
tar -C "$cli_dir" -c \
    --exclude='./runtimes/win*' --exclude='./runtimes/osx*' --exclude='./runtimes/linux-arm*' --exclude='./runtimes/linux-musl*' \
    --exclude='./*.Tests.dll' --exclude='./*.Tests.pdb' --exclude='./xunit*' --exclude='./testhost*' --exclude='./Microsoft.TestPlatform*' \
    --exclude='./Microsoft.VisualStudio.*' --exclude='./results' --exclude='./*.log' . | tar -C "$rootfs/opt/loadlab" -x

rootfs_kb=$(du -sk "$rootfs" | cut -f1)
tar -C "$rootfs" -c . | docker import \
    -c 'ENV PATH=/usr/share/dotnet:/usr/bin:/bin' \
    -c 'ENV DOTNET_ROOT=/usr/share/dotnet' \
    -c 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1' \
    -c 'ENV DOTNET_gcServer=0' \
    -c 'WORKDIR /opt/loadlab' \
    -c 'ENTRYPOINT ["/usr/share/dotnet/dotnet", "/opt/loadlab/loadlab.dll"]' \
    -c 'LABEL loadlab.test-image=true' \
    - "$tag" >/dev/null
took_ms=$((($(date +%s%N) - started_ns) / 1000000))
echo "built $tag (${rootfs_kb} KiB root file system) in ${took_ms} ms" >&2
