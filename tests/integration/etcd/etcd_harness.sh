#!/bin/bash
# Starts and stops real etcd members (Debian's etcd-server) on free loopback ports with temporary data
# dirs, for the integration tests, the benchmark and the demo. Processes are stopped by their PID only.
#   etcd_harness.sh start DIR [--members N] [--quota BYTES]   prints the client URLs, comma-separated
#   etcd_harness.sh stop DIR                                  TERM then KILL every member; keeps DIR
#   etcd_harness.sh kill DIR I | restart DIR I | pid DIR I | leader DIR
set -u
ETCD=${ETCD:-/usr/bin/etcd}
ETCDCTL=${ETCDCTL:-/usr/bin/etcdctl}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
	local p i
	for i in $(seq 1 200); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if port_free "$p" && ! grep -qx "$p" "$DIR/ports" 2>/dev/null; then
			echo "$p" >>"$DIR/ports"
			echo "$p"
			return 0
		fi
	done
	echo "etcd_harness: no free port" >&2
	return 1
}

launch() { # I
	local i=$1
	# shellcheck disable=SC2046
	setsid "$ETCD" $(cat "$DIR/m$i.args") >>"$DIR/m$i.log" 2>&1 </dev/null &
	echo $! >"$DIR/m$i.pid"
}

wait_healthy() { # URL...
	local u
	for _ in $(seq 1 100); do
		local ok=1
		for u in "$@"; do
			ETCDCTL_API=3 "$ETCDCTL" --endpoints="$u" --command-timeout=1s endpoint health >/dev/null 2>&1 || ok=0
		done
		[ $ok = 1 ] && return 0
		sleep 0.1
	done
	echo "etcd_harness: etcd did not become healthy (logs in $DIR)" >&2
	return 1
}

cmd=${1:-}
DIR=${2:-}
[ -n "$cmd" ] && [ -n "$DIR" ] || { sed -n '2,8p' "$0" >&2; exit 2; }
shift 2
case "$cmd" in
start)
	members=1
	quota=""
	while [ $# -gt 0 ]; do
		case "$1" in
		--members) members=$2; shift 2 ;;
		--quota) quota=$2; shift 2 ;;
		*) echo "etcd_harness: unknown option $1" >&2; exit 2 ;;
		esac
	done
	mkdir -p "$DIR"
	: >"$DIR/ports"
	cluster=""
	urls=""
	for i in $(seq 0 $((members - 1))); do
		c=$(pick_port) || exit 1
		p=$(pick_port) || exit 1
		echo "$c" >"$DIR/m$i.client"
		echo "$p" >"$DIR/m$i.peer"
		cluster="$cluster${cluster:+,}m$i=http://127.0.0.1:$p"
		urls="$urls${urls:+,}http://127.0.0.1:$c"
	done
	for i in $(seq 0 $((members - 1))); do
		c=$(cat "$DIR/m$i.client")
		p=$(cat "$DIR/m$i.peer")
		echo "--name m$i --data-dir $DIR/m$i.data --listen-client-urls http://127.0.0.1:$c" \
			"--advertise-client-urls http://127.0.0.1:$c --listen-peer-urls http://127.0.0.1:$p" \
			"--initial-advertise-peer-urls http://127.0.0.1:$p --initial-cluster $cluster" \
			"--initial-cluster-state new --initial-cluster-token picmon-test" \
			"--heartbeat-interval 50 --election-timeout 500 --log-level warn" \
			"${quota:+--quota-backend-bytes $quota}" >"$DIR/m$i.args"
		launch "$i"
	done
	echo "$urls" >"$DIR/endpoints"
	IFS=, read -r -a list <<<"$urls"
	wait_healthy "${list[@]}" || exit 1
	echo "$urls"
	;;
stop)
	for f in "$DIR"/m*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		kill -CONT "$pid" 2>/dev/null
		kill -TERM "$pid" 2>/dev/null
	done
	for f in "$DIR"/m*.pid; do
		[ -f "$f" ] || continue
		pid=$(cat "$f")
		for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		rm -f "$f"
	done
	;;
kill)
	pid=$(cat "$DIR/m$1.pid") && kill -KILL "$pid" && rm -f "$DIR/m$1.pid"
	for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	;;
restart)
	launch "$1"
	wait_healthy "http://127.0.0.1:$(cat "$DIR/m$1.client")"
	;;
pid)
	cat "$DIR/m$1.pid"
	;;
leader)
	# Index of the member that is leader now.
	for f in "$DIR"/m*.client; do
		i=$(basename "$f" .client); i=${i#m}
		[ -f "$DIR/m$i.pid" ] || continue
		if ETCDCTL_API=3 "$ETCDCTL" --endpoints="http://127.0.0.1:$(cat "$f")" endpoint status -w json 2>/dev/null |
			grep -Eq '"leader":([0-9]+).*"member_id":\1|"member_id":([0-9]+).*"leader":\2'; then
			echo "$i"
			exit 0
		fi
	done
	exit 1
	;;
*)
	echo "etcd_harness: unknown command $cmd" >&2
	exit 2
	;;
esac
