#!/usr/bin/env bash
# The collector's benchmark (a section of scripts/bench.sh): the exchange simulator on 127.0.0.1 into a fresh
# SQLite file, release builds, Tickscope's collector and the peer (bench/peer/collector.py: Python, asyncio,
# websockets, batched SQLite transactions) side by side. Prints the rows of BENCHMARKS.md's collector table:
# - sustained: the simulator at --speed max (it waits for its slowest reader, so the rate is the collector's),
#   messages/s written from 10 s to the end, and Tickscope's resident memory at 10 s and at the end;
# - paced: the simulator at --speed 22 (about 1,000 messages/s), and the delay from a frame's arrival to the
#   commit of its item's transaction (p50/p99 of the last 20,000 items).
#
#   ./scripts/bench-collector.sh [SECONDS [sustained]]   (default 60 per run, four runs; `sustained`: Tickscope's
#   sustained run alone, e.g. `600 sustained` for memory over 10 minutes: it needs about 2 GB of disk a minute)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
parts=${2:-all}
target=${CARGO_TARGET_DIR:-target}
bin=${TICKSCOPE_SERVER_BIN:-$target/release/tickscope-server}
[[ -x $bin ]] || cargo build --release -p tickscope-server --quiet
# The peer's one dependency, in a venv of its own.
venv="$target/bench/venv"
[[ -x $venv/bin/python ]] && "$venv/bin/python" -c 'import websockets' 2>/dev/null || {
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'websockets==15.*'
}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# Starts the simulator at speed $1 (output in $work/$2.sim) and sets $sim and $url.
start_sim() {
    "$bin" exchange-sim --addr 127.0.0.1:0 --speed "$1" --seed 1 >"$work/$2.sim" 2>/dev/null &
    sim=$!
    until grep -q listening "$work/$2.sim" 2>/dev/null; do sleep 0.1; done
    url=$(sed -n 's/^listening on //p' "$work/$2.sim")
}

# Tickscope at speed $1: prints "written/s rss_at_10s_mb rss_at_end_mb p50_ms p99_ms".
tickscope() {
    local name=tickscope-$1
    start_sim "$1" "$name"
    RUST_LOG=warn "$bin" collect --ws-url "$url" --db "$work/$name.db" 2>"$work/$name.err" &
    local collector=$! rss=()
    for ((t = 10; t <= seconds; t += 10)); do
        sleep 10
        rss+=("$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$collector/status")")
    done
    kill -TERM "$collector"
    wait "$collector" || true
    kill "$sim"
    # The status lines: written counts summed over the channels; the delays of the last line.
    awk -v seconds="$seconds" -v rss_first="${rss[0]}" -v rss_last="${rss[-1]}" '
        /^collect:/ {
            n++; total = 0; line = $0
            while (match(line, /[0-9]+ written/)) { total += substr(line, RSTART, RLENGTH - 8); line = substr(line, RSTART + RLENGTH) }
            written[n] = total
            if (match($0, /p50 [0-9]+ ms, p99 [0-9]+ ms/)) { split(substr($0, RSTART, RLENGTH), d, " "); p50 = d[2]; p99 = d[5] }
        }
        END { printf "%.0f %s %s %s %s\n", (written[n - 1] - written[1]) / (seconds - 10), rss_first, rss_last, p50, p99 }
    ' "$work/$name.err"
}

# The peer at speed $1: prints "written/s p50_ms p99_ms".
peer() {
    start_sim "$1" "peer-$1"
    "$venv/bin/python" bench/peer/collector.py "$url" "$work/peer-$1.db" "$seconds"
    kill "$sim"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

read -r t_rate rss_first rss_last _ _ < <(tickscope max)
if [[ $parts == sustained ]]; then
    echo "| sustained, simulator at --speed max, ${seconds} s: messages written | $t_rate | msg/s |"
    echo "| sustained: resident memory at 10 s → ${seconds} s | $rss_first → $rss_last | MB |"
    exit 0
fi
read -r p_rate _ _ < <(peer max)
read -r t_paced _ _ t_p50 t_p99 < <(tickscope 22)
read -r p_paced p_p50 p_p99 < <(peer 22)
cat <<TABLE
| collector measure | Tickscope | peer | unit | Tickscope / peer | goal |
|---|---|---|---|---|---|
| sustained, simulator at --speed max: messages written | $t_rate | $p_rate | msg/s | $(ratio "$t_rate" "$p_rate") | ≥ 10,000 |
| sustained: Tickscope's resident memory at 10 s → ${seconds} s | $rss_first → $rss_last | – | MB | – | flat |
| paced (--speed 22): messages written | $t_paced | $p_paced | msg/s | $(ratio "$t_paced" "$p_paced") | about 1,000 |
| paced: frame arrival → committed write, p50 | $t_p50 | $p_p50 | ms | $(ratio "$t_p50" "$p_p50") | |
| paced: frame arrival → committed write, p99 | $t_p99 | $p_p99 | ms | $(ratio "$t_p99" "$p_p99") | < 250 |
TABLE
