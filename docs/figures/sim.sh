#!/usr/bin/env bash
# The cmd/sim figures of docs/performance.md ("cmd/sim: time to a settled
# layout"), side by side in one run: sim -json to equilibrium, the CPU
# kernel alone (layoutbench, same settle threshold), d3-force(-3d) and
# igraph to their default stop, and sim's peak memory. Needs the peers:
# ../shared/peers/setup.sh (PEERS_DIR, default /tmp/peers).
set -euo pipefail
cd "$(dirname "$0")/../.."
peers=$(cd ../shared/peers && pwd)
pdir=${PEERS_DIR:-/tmp/peers}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sim" ./cmd/sim
go build -o "$tmp/layoutbench" ./actors/forcecompute/cpu/internal/layoutbench
echo "# $(lscpu | sed -n 's/^Model name:[[:space:]]*//p'), $(nproc) cores, $(date -u +%F), load $(cut -d' ' -f1-3 /proc/loadavg)"
for n in 10000 100000; do
	/usr/bin/python3 "$peers/gen_ba.py" "$n" 2 42 >"$tmp/ba$n.txt"
	for dims in 3 2; do
		echo "## BA $n, ${dims}D"
		"$tmp/sim" -graph "$tmp/ba$n.txt" -dims "$dims" -backend cpu -json -q -png "" -out "" \
			| python3 -c 'import json,sys; r=json.load(sys.stdin); d=r["delivery"]; print("sim: %.2f s wall, %d ticks (start tick %d), settled %s, %.2f ms/tick in the kernel, delivery sent %d lost %d" % (r["wall_s"], r["ticks"], r.get("start_tick", 0), r["settled"], r["ms_per_tick"], d["sent"], d["lost"]))'
		# sim starts from cpu.MultilevelStart (graphs over 1000 nodes): so does the kernel alone
		"$tmp/layoutbench" -edges "$tmp/ba$n.txt" -dims "$dims" -ticks 400 -settle 0.005 -multilevel | tail -n 3
		d3ticks=300
		[ "$n" -ge 100000 ] && d3ticks=3 # a whole d3 run at 100k takes 13 to 32 min: per-tick x 300
		(cd "$pdir" && node "$pdir/d3_layout.mjs" "$tmp/ba$n.txt" "$dims" "$d3ticks") | sed "s/^/d3 ($d3ticks ticks; default stop 300): /"
		if [ "$dims" = 2 ]; then
			/usr/bin/python3 "$peers/igraph_layout.py" "$tmp/ba$n.txt" 2 500 | sed 's/^/(default stop 500) /'
		fi
	done
done
echo "## peak memory (sim, 3D, cpu)"
for spec in ba:100000:2 ba:1000000:2; do
	/usr/bin/time -f "$spec: %M KiB max RSS, %e s" "$tmp/sim" -generate "$spec" -ticks 20 -backend cpu -json -q -png "" -out "" >/dev/null
done
