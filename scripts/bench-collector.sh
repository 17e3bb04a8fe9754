#!/usr/bin/env bash
# The collector's benchmark (a section of scripts/bench.sh): the exchange simulator on 127.0.0.1 into a fresh
# SQLite file with release builds. Prints the rows of BENCHMARKS.md's collector table:
# - sustained: the simulator at --speed max (it waits for its slowest reader), messages/s written, measured
#   between the status lines at 10 s and at the end, and the collector's resident memory at each line;
# - paced: the simulator at a speed giving about 1,000 messages/s, and the delay from a frame's arrival to its
#   item's committed write (p50/p99 of the last 20,000 items, from the final status line).
#
#   ./scripts/bench-collector.sh [SECONDS]   (default 60 per part)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bin=${TICKSCOPE_SERVER_BIN:-${CARGO_TARGET_DIR:-target}/release/tickscope-server}
[[ -x $bin ]] || cargo build --release -p tickscope-server --quiet
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

# One part: simulator at SPEED, collector for $seconds; prints "written/s first_rss_mb last_rss_mb p50 p99".
run_part() {
    local speed=$1 name=$2
    "$bin" exchange-sim --addr 127.0.0.1:0 --speed "$speed" >"$work/$name.sim" 2>/dev/null &
    local sim=$!
    until grep -q listening "$work/$name.sim" 2>/dev/null; do sleep 0.1; done
    local url
    url=$(sed -n 's/^listening on //p' "$work/$name.sim")
    RUST_LOG=warn "$bin" collect --ws-url "$url" --db "$work/$name.db" 2>"$work/$name.err" &
    local collector=$!
    local rss=()
    for ((t = 10; t <= seconds; t += 10)); do
        sleep 10
        rss+=("$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$collector/status")")
    done
    kill -TERM "$collector"
    wait "$collector" || true
    kill "$sim"
    # The status lines: written counts summed over the channels.
    awk -v seconds="$seconds" -v rss_first="${rss[0]}" -v rss_last="${rss[-1]}" '
        /^collect:/ {
            n++; total = 0
            line = $0
            while (match(line, /[0-9]+ written/)) { total += substr(line, RSTART, RLENGTH - 8); line = substr(line, RSTART + RLENGTH) }
            written[n] = total
            if (match($0, /p50 [0-9]+ ms, p99 [0-9]+ ms/)) { split(substr($0, RSTART, RLENGTH), d, " "); p50 = d[2]; p99 = d[5] }
        }
        END { printf "%.0f %s %s %s %s\n", (written[n - 1] - written[1]) / (seconds - 10), rss_first, rss_last, p50, p99 }
    ' "$work/$name.err"
}

read -r sustained rss_first rss_last _ _ < <(run_part max sustained)
read -r paced _ _ p50 p99 < <(run_part 22 paced)
cat <<TABLE
| collector measure | value | unit | goal |
|---|---|---|---|
| sustained, simulator at --speed max: messages written | $sustained | msg/s | ≥ 10,000 |
| sustained: resident memory at 10 s → at ${seconds} s | $rss_first → $rss_last | MB | flat |
| paced (--speed 22): messages written | $paced | msg/s | about 1,000 |
| paced: frame arrival → committed write, p50 | $p50 | ms | |
| paced: frame arrival → committed write, p99 | $p99 | ms | < 250 |
TABLE
