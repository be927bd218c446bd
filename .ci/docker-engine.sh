#!/usr/bin/env bash
# A private Docker engine for LoadLab's Docker tests: its own data root, exec root, pid file and socket under
# one folder, so it never touches (or depends on) a system daemon and leaves nothing behind when stopped.
#
#   .ci/docker-engine.sh start   installs Debian's docker.io when dockerd is missing, starts the daemon,
#                                waits until it answers and prints `export DOCKER_HOST=unix://…`
#   .ci/docker-engine.sh env     prints the export line of a running engine (exit 1 when none runs)
#   .ci/docker-engine.sh stop    stops its containers, then the daemon; checks that no process of the engine or of
#                                its containers remains (exit 1 naming them if one survives); removes its files;
#                                safe to call twice
#
# Usage in CI:  eval "$(.ci/docker-engine.sh start)"; trap '.ci/docker-engine.sh stop' EXIT
# LOADLAB_DOCKER_ROOT overrides the folder (default /tmp/loadlab-docker).
set -euo pipefail

root="${LOADLAB_DOCKER_ROOT:-/tmp/loadlab-docker}"
socket="$root/docker.sock"
pidfile="$root/dockerd.pid"
log="$root/dockerd.log"
start_timeout_s=30

log_line() { echo "docker-engine: $*" >&2; }

daemon_pid() {
    [[ -s "$pidfile" ]] || return 1
    local pid
    pid="$(cat "$pidfile")"
    kill -0 "$pid" 2>/dev/null || return 1
    echo "$pid"
}

engine_answers() { docker -H "unix://$socket" version >/dev/null 2>&1; }

ensure_installed() {
    if command -v dockerd >/dev/null 2>&1; then return; fi
    log_line "dockerd not found; installing Debian's docker.io"
    local started=$SECONDS
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq -o DPkg::Lock::Timeout=300 >&2
    # Other jobs on the machine may hold the dpkg lock for a while; wait for it instead of failing.
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends docker.io >&2
    log_line "installed docker.io in $((SECONDS - started)) s"
}

# Docker's CLI is needed to probe the engine; docker.io ships one, but a newer CLI on PATH also works.
ensure_cli() {
    command -v docker >/dev/null 2>&1 || { log_line "no docker CLI on PATH after installing docker.io"; exit 1; }
}

launch() {
    local driver="$1"
    mkdir -p "$root/data" "$root/exec"
    # The daemon must outlive this script (CI calls start, runs tests, then stop), hence setsid + nohup.
    setsid nohup dockerd \
        --data-root "$root/data" \
        --exec-root "$root/exec" \
        --pidfile "$pidfile" \
        --host "unix://$socket" \
        --iptables=false --ip-masq=false --bridge=none \
        --storage-driver="$driver" \
        >"$log" 2>&1 </dev/null &
    # Without job control the background child is no group leader, so setsid and nohup exec: $! is dockerd.
    local pid=$!
    local deadline=$((SECONDS + start_timeout_s))
    while ((SECONDS < deadline)); do
        if engine_answers; then return 0; fi
        # A daemon that exited (e.g. overlay2 unsupported) will never answer: stop waiting for it.
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

start() {
    if daemon_pid >/dev/null && engine_answers; then
        log_line "already running (pid $(daemon_pid))"
        echo "export DOCKER_HOST=unix://$socket"
        return
    fi
    ensure_installed
    ensure_cli
    stop_quietly || true
    local started_ns
    started_ns=$(date +%s%N)
    if ! launch overlay2; then
        log_line "overlay2 did not come up ($(tail -n 1 "$log" 2>/dev/null || true)); retrying with vfs"
        stop_quietly || true
        if ! launch vfs; then
            log_line "the engine did not answer within ${start_timeout_s} s; its log ($log):"
            tail -n 30 "$log" >&2 || true
            exit 1
        fi
    fi
    local took_ms=$((($(date +%s%N) - started_ns) / 1000000))
    log_line "engine up in ${took_ms} ms (pid $(daemon_pid), storage $(docker -H "unix://$socket" info -f '{{.Driver}}'))"
    echo "export DOCKER_HOST=unix://$socket"
}

# Every process below the given ones (children, grandchildren …) and the given ones themselves, as "pid:start" (the
# start time tells a process from a later one that reused its pid). Read from /proc, so it works without procps.
process_tree() {
    local -A children=()
    local stat line pid rest ppid
    for stat in /proc/[0-9]*/stat; do
        read -r line 2>/dev/null <"$stat" || continue
        pid="${line%% *}"
        rest="${line##*) }"
        ppid="$(echo "$rest" | cut -d' ' -f2)"
        children[$ppid]+=" $pid"
    done
    local queue=("$@") seen=" "
    while ((${#queue[@]} > 0)); do
        pid="${queue[0]}"
        queue=("${queue[@]:1}")
        [[ "$seen" == *" $pid "* ]] && continue
        seen+="$pid "
        local start
        start="$(process_start "$pid")" || continue
        echo "$pid:$start"
        # shellcheck disable=SC2206
        queue+=(${children[$pid]:-})
    done
}

# The start time of a running process; fails for a process that is gone or a zombie (dead, waiting to be reaped).
process_start() {
    local line rest
    read -r line 2>/dev/null <"/proc/$1/stat" || return 1
    rest="${line##*) }"
    [[ "${rest:0:1}" != "Z" ]] || return 1
    echo "$rest" | cut -d' ' -f20
}

# The recorded processes ("pid:start") that still run.
alive() {
    local entry
    for entry in "$@"; do
        [[ "$(process_start "${entry%%:*}" 2>/dev/null)" == "${entry##*:}" ]] && echo "$entry"
    done
    return 0
}

stop_quietly() {
    local pid engine_processes=() leftovers=()
    if pid="$(daemon_pid)"; then
        if engine_answers; then
            # Containers first, through the engine: dockerd alone waits up to 15 s for them on shutdown, and a daemon
            # killed meanwhile leaves their processes running, re-parented away from it.
            local containers
            containers="$(docker -H "unix://$socket" ps -q 2>/dev/null || true)"
            if [[ -n "$containers" ]]; then
                # shellcheck disable=SC2086
                timeout 60 docker -H "unix://$socket" stop --time 5 $containers >/dev/null 2>&1 || true
            fi
        fi
        # Recorded before the daemon goes: once it and its shims are gone, a surviving process has lost the parent
        # that told whose it was.
        mapfile -t engine_processes < <(process_tree "$pid" $(pgrep -f -- "$root/exec" || true))
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    # The daemon's containerd and shims run under the exec root; a killed daemon can leave them (and what runs below
    # them) behind. Only processes whose command line names this engine's folder, and those below them, are ours.
    mapfile -t leftovers < <(alive "${engine_processes[@]}"; process_tree $(pgrep -f -- "$root/exec" || true))
    if ((${#leftovers[@]} > 0)); then
        local entry
        for entry in "${leftovers[@]}"; do kill -KILL "${entry%%:*}" 2>/dev/null || true; done
        for _ in $(seq 1 50); do [[ -z "$(alive "${leftovers[@]}")" ]] && break; sleep 0.1; done
    fi
    if [[ -d "$root" ]]; then
        # Container root file systems are mounts under the data and exec roots; unmount before removing.
        { grep -F " $root/" /proc/mounts || true; } | awk '{print $2}' | sort -r | while read -r mountpoint; do
            umount -l "$mountpoint" 2>/dev/null || true
        done
        rm -rf "$root"
    fi
    local survivors
    survivors="$(alive "${engine_processes[@]}" "${leftovers[@]}" | sort -u | tr '\n' ' ')"
    if [[ -n "$survivors" ]]; then
        log_line "processes of the engine or its containers survived SIGKILL (pid:start): $survivors"
        return 1
    fi
}

stop() {
    local started=$SECONDS
    stop_quietly || exit 1
    log_line "stopped its containers and the daemon, removed $root in $((SECONDS - started)) s"
}

env_line() {
    if daemon_pid >/dev/null && engine_answers; then
        echo "export DOCKER_HOST=unix://$socket"
    else
        log_line "no engine is running under $root; run '$0 start'"
        exit 1
    fi
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) env_line ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
