#!/usr/bin/env bash
# A local Redis Cluster of Debian's redis-server on loopback, for the cluster tests and the
# failover bench: three masters and three replicas (redis-cli --cluster create, one replica per
# master), on six consecutive ports from the first one given (cluster bus: port + 10000).
#
#   scripts/redis-cluster.sh start [first-port]   # default 7001: ports 7001-7006; prints the seeds
#   scripts/redis-cluster.sh stop [first-port]
#   scripts/redis-cluster.sh status [first-port]  # exit 0 when `cluster info` says ok
#
# start returns once `cluster info` says ok and every replica has synced with its master.
#
# Nodes keep nothing on disk (no RDB, no AOF) and declare a peer failed after 2 seconds
# (cluster-node-timeout 2000), so that a failover under test takes a few seconds, not fifteen.
# DEBUG is allowed from loopback (a test freezes a master with `debug sleep`). The nodes' files
# live in REDIS_CLUSTER_DIR (default: /tmp/redis-cluster-<first-port>).
set -euo pipefail

action=${1:-}
first=${2:-7001}
dir=${REDIS_CLUSTER_DIR:-/tmp/redis-cluster-$first}
ports=$(seq "$first" $((first + 5)))

cluster_ok() {
  redis-cli -p "$first" cluster info 2>/dev/null | grep -q '^cluster_state:ok'
}

case "$action" in
  start)
    command -v redis-server >/dev/null && command -v redis-cli >/dev/null || {
      echo "redis-cluster: redis-server and redis-cli are needed (apt-get install redis-server)" >&2
      exit 1
    }
    if cluster_ok; then
      echo "redis-cluster: already running on ports $first-$((first + 5))" >&2
    else
      mkdir -p "$dir"
      for port in $ports; do
        rm -f "$dir/nodes-$port.conf"
        redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" \
          --cluster-enabled yes --cluster-config-file "nodes-$port.conf" --cluster-node-timeout 2000 \
          --enable-debug-command local --daemonize yes --pidfile "$dir/redis-$port.pid" \
          --logfile "$dir/redis-$port.log" >/dev/null
      done
      for port in $ports; do
        for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
      done
      seeds=()
      for port in $ports; do seeds+=("127.0.0.1:$port"); done
      redis-cli --cluster create "${seeds[@]}" --cluster-replicas 1 --cluster-yes >"$dir/create.log" 2>&1 || {
        cat "$dir/create.log" >&2
        exit 1
      }
      for _ in $(seq 1 100); do cluster_ok && break; sleep 0.1; done
      cluster_ok || { echo "redis-cluster: cluster info never said ok" >&2; exit 1; }
      # Ready when each replica has synced with its master: a failover needs a replica that can take over.
      for _ in $(seq 1 200); do
        up=0
        for port in $ports; do
          redis-cli -p "$port" info replication 2>/dev/null | grep -q '^master_link_status:up' && up=$((up + 1))
        done
        ((up == 3)) && break
        sleep 0.1
      done
      ((up == 3)) || { echo "redis-cluster: the replicas never synced with their masters" >&2; exit 1; }
    fi
    echo "127.0.0.1:$first,127.0.0.1:$((first + 1)),127.0.0.1:$((first + 2))"
    ;;
  stop)
    for port in $ports; do
      pidfile="$dir/redis-$port.pid"
      if [[ -f $pidfile ]]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    for port in $ports; do
      for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 || break; sleep 0.1; done
    done
    rm -rf "$dir"
    ;;
  status)
    cluster_ok
    ;;
  *)
    echo "usage: scripts/redis-cluster.sh start|stop|status [first-port]" >&2
    exit 2
    ;;
esac
