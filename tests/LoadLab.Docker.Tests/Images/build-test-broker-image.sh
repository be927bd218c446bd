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

copy_with_parents() { cp -L --parents "$1" "$rootfs"; }

# Everything the runtime host, the runtime's native parts and librdkafka link against (ldd's "=> path" and the
# loader itself). librdkafka's centos8 build is what Confluent.Kafka loads on Debian 12; it links only glibc.
libraries=()
runtime_dir="$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/*/ | sort -V | tail -n 1)"
for binary in "$dotnet_root/dotnet" "$runtime_dir"*.so "$dotnet_root"/host/fxr/*/libhostfxr.so; do
    while read -r library; do libraries+=("$library"); done < <(ldd "$binary" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
done
# Loaded with dlopen, so ldd cannot see them: OpenSSL for System.Security.Cryptography (TLS clients), libz.
for soname in libssl.so.3 libcrypto.so.3 libz.so.1; do
    path="$(ldconfig -p | awk -v name="$soname" '$1 == name && /x86-64/ {print $NF; exit}')"
    [[ -n "$path" ]] && libraries+=("$path")
done
# The runtime's own libraries arrive through the bind mount; copy only the system ones.
for library in $(printf '%s\n' "${libraries[@]}" | grep -v "^$dotnet_root/" | sort -u); do copy_with_parents "$library"; done
# Debian keeps libraries in /lib/x86_64-linux-gnu and /usr/lib/x86_64-linux-gnu (usrmerge symlinks): give both
# names so the loader finds each library wherever its default search path looks.
if [[ -d "$rootfs/lib/x86_64-linux-gnu" && -d "$rootfs/usr/lib/x86_64-linux-gnu" ]]; then
    cp -an "$rootfs/usr/lib/x86_64-linux-gnu/." "$rootfs/lib/x86_64-linux-gnu/"
    rm -rf "$rootfs/usr/lib/x86_64-linux-gnu"
fi
mkdir -p "$rootfs/usr/lib" "$rootfs/tmp" "$rootfs/etc/ssl" "$rootfs/usr/share/dotnet" "$rootfs/opt/loadlab" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev"
ln -s ../../lib/x86_64-linux-gnu "$rootfs/usr/lib/x86_64-linux-gnu"
chmod 1777 "$rootfs/tmp"
[[ -d /etc/ssl/certs ]] && cp -rL /etc/ssl/certs "$rootfs/etc/ssl/" 2>/dev/null || true
printf 'root:x:0:0:root:/root:/nonexistent\nnobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"

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
