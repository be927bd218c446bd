# Sourced by the test image scripts: fills "$rootfs" with the system libraries the .NET runtime (bind-mounted from
# "$dotnet_root" at /usr/share/dotnet) and librdkafka need, copied from this host, plus the few files a root file
# system needs. No registry, no package manager: the host's own files, so the image never goes stale.
#   needs: rootfs, dotnet_root
# shellcheck shell=bash

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


# Copies a host program and the libraries it links into "$rootfs" (same path), for what a container runs besides .NET.
copy_program() {
    local program
    program="$(command -v "$1")"
    copy_with_parents "$program"
    while read -r library; do copy_with_parents "$library"; done < <(ldd "$program" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}')
}
