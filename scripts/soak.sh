#!/usr/bin/env bash
# A soak: one real server process (./leadmatch serve, -Xmx512m) on a generated export of 100k accounts, under
# steady traffic for MINUTES (default 20): unary MatchAndAssign at RPS calls/s open loop (default 200; latency
# from each call's intended send time, p99 per minute), a snapshot reload (the ReloadSnapshot RPC) every minute
# while it serves, and the server's resident memory, threads and open files sampled every 5 s. Passes when no
# call and no reload failed, the server is still up, its resident memory never passed the heap limit plus
# 384 MB (metaspace, code, thread stacks, direct buffers, the memory-mapped index), and its threads and open
# files did not grow in the second half.
# The result goes to bench/results/soak-<UTC time>.md.
#   scripts/soak.sh [minutes] [rps]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
minutes="${1:-20}"
rps="${2:-200}"
if ! [[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 2 && "$rps" =~ ^[0-9]+$ && "$rps" -ge 1 ]]; then
  echo "usage: scripts/soak.sh [minutes >= 2] [rps >= 1]" >&2
  exit 2
fi
ts=$(date -u +%Y%m%dT%H%M%SZ)
out="$here/bench/results/soak-$ts.md"
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

if [[ ! -f "$here/bench/target/benchmarks.jar" || ! -f "$here/server/target/leadmatch-server.jar" ]]; then
  (cd "$here" && ./mvnw -q -B -DskipTests package) >&2
fi

started_line() { # FILE PID TEXT: waits until FILE has TEXT; prints the line
  for _ in $(seq 1 1200); do
    if grep -q "$3" "$1" 2>/dev/null; then grep -m1 "$3" "$1"; return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "process $2 exited:" >&2; cat "$1" >&2; exit 1; }
    sleep 0.25
  done
  echo "no '$3' in $1 after 300 s" >&2
  exit 1
}
free_port() {
  for _ in $(seq 1 50); do
    local candidate=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  echo "no free port found" >&2
  exit 1
}

echo "== data: 100k accounts" >&2
"$here/bench/run" data --out "$work/data" --accounts 100k --leads 200000 >&2
head -n 200001 "$work/data/leads.csv" > "$work/leads.csv"

"$here/bench/run" echo --build bare > "$work/echo.log" 2>&1 &
pids+=($!)
echo_addr=$(started_line "$work/echo.log" $! 'listening on' | grep -o '127.0.0.1:[0-9]*')

heap_mb=512
half_calls=$((rps * 60 * minutes / 2))
block=$((rps * 60))
half_calls=$((half_calls / block * block))
port=$(free_port)
admin_port=$(free_port)
"$here/bench/run" first-calls --target "127.0.0.1:$port" --leads "$work/leads.csv" --server-log "$work/server.log" \
  --warm-echo "$echo_addr" --rps "$rps" --calls "$half_calls" --block "$block" \
  --again-after-seconds $((half_calls / rps + 2)) --json "$work/calls.json" > "$work/calls.txt" 2>&1 &
client=$!
pids+=($client)
started_line "$work/calls.txt" $client '^client warm$' >/dev/null

LEADMATCH_SKIP_BUILD=1 LEADMATCH_JAVA_OPTS="-Xmx${heap_mb}m" "$here/leadmatch" serve --snapshot "$work/data" --data-dir "$work/state" \
  --bind 127.0.0.1 --port "$port" --admin-port "$admin_port" > "$work/server.log" 2>&1 &
server=$! # the launcher execs the JVM
pids+=($server)
started_line "$work/server.log" $server 'leadmatch listening on' >&2
echo "== soak: $minutes min at $rps calls/s against pid $server" >&2

echo "seconds rss_kb threads fds" > "$work/samples.txt"
start=$(date +%s)
last_reload=$start
reloads=0
reload_failures=0
while kill -0 "$client" 2>/dev/null; do
  now=$(date +%s)
  if ! kill -0 "$server" 2>/dev/null; then echo "the server exited" >&2; break; fi
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")
  threads=$(awk '/^Threads/ {print $2}' "/proc/$server/status")
  fds=$(ls "/proc/$server/fd" | wc -l)
  echo "$((now - start)) $rss $threads $fds" >> "$work/samples.txt"
  if (( now - last_reload >= 60 )); then
    # The RPC, not SIGHUP: a server started under nohup inherits SIGHUP ignored and cannot reload by signal.
    if ! LEADMATCH_SKIP_BUILD=1 "$here/leadmatch" call ReloadSnapshot '{}' --admin-target "127.0.0.1:$admin_port" \
        >> "$work/reloads.txt" 2>&1; then
      reload_failures=$((reload_failures + 1))
    fi
    last_reload=$now
    reloads=$((reloads + 1))
  fi
  sleep 5
done
set +e
wait "$client"
client_status=$?
set -e
up=no
kill -0 "$server" 2>/dev/null && up=yes

verdict=$(awk -v up="$up" -v status="$client_status" -v failed="$reload_failures" -v limit=$(((heap_mb + 384) * 1024)) '
  NR > 1 { n++; t[n] = $1; r[n] = $2; th[n] = $3; f[n] = $4 }
  END {
    half = t[n] / 2
    for (i = 1; i <= n; i++) {
      if (t[i] < half) {
        if (r[i] > p1) p1 = r[i]; if (th[i] > th1) th1 = th[i]; if (f[i] > f1) f1 = f[i]
      } else {
        if (r[i] > p2) p2 = r[i]; if (th[i] > th2) th2 = th[i]; if (f[i] > f2) f2 = f[i]
      }
    }
    # Pools start their threads lazily (the admin pool on the first reloads): what counts is no growth after that.
    ok = (up == "yes" && status == 0 && failed == 0 && p1 <= limit && p2 <= limit && th2 <= th1 + 2 && f2 <= f1 + 2)
    printf "%s: server %s, calls %s, %d reloads failed; RSS peak %d kB in the first half, %d kB in the second (limit %d kB); threads at most %d in the first half, %d in the second; open files %d, %d\n",
      ok ? "PASS" : "FAIL", up == "yes" ? "up" : "DOWN", status == 0 ? "all answered" : "FAILED (see below)",
      failed, p1, p2, limit, th1, th2, f1, f2
  }' "$work/samples.txt")
reloaded=$(grep -c '"generation"' "$work/reloads.txt" 2>/dev/null || true)
{
  echo "# Soak: $minutes minutes at $rps calls/s"
  echo
  echo "Command: \`scripts/soak.sh $minutes $rps\`; $(nproc) cores, $(java -version 2>&1 | head -1);"
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "$verdict"
  echo
  echo "Snapshot reloads (ReloadSnapshot): $reloads sent, $reloaded answered with a generation, $reload_failures failed."
  echo
  echo "## Calls (bench/run first-calls: p99 per block of $block calls, one block a minute)"
  echo
  echo '```'
  cat "$work/calls.txt"
  echo '```'
  echo
  echo "## Server samples (every 5 s: seconds since ready, VmRSS kB, threads, open files)"
  echo
  echo '```'
  cat "$work/samples.txt"
  echo '```'
} > "$out"
echo "$verdict"
echo "result: $out"
[[ "$verdict" == PASS* ]]
