#!/usr/bin/env bash
# The whole benchmark run, written up as BENCHMARKS.md:
#
#     bash benches/run.sh
#
# Needs: a Rust toolchain, wrk (Debian: apt-get install wrk), curl, python3
# with aiosmtpd (Debian: python3-aiosmtpd), and a PostgreSQL server that
# accepts `postgres` without a password on 127.0.0.1:5432 (set BENCH_PG to
# another postgres://user@host:port base, or BENCH_PG=off to skip it).
# Optional: MEILISEARCH_URL (and MEILISEARCH_API_KEY) to include Meilisearch.
#
# Steps: build the release binaries once; `cargo bench --bench matching`
# (matching both ways against brute force and an SQL-only baseline, reindex,
# publish -> matches stored); for SQLite and for PostgreSQL: seed the
# synthetic data set into a fresh database, reindex, create the sessions and
# token (`cargo bench --bench http_setup`), start `fairchance serve`, check
# each URL answers 200, load each endpoint with wrk (32 connections) and read
# the server's peak resident memory; then email throughput to a loopback SMTP
# server (`cargo bench --bench email`); then the import of issue #20 for
# SQLite and PostgreSQL (`cargo bench --bench import`, see run_import below);
# then write BENCHMARKS.md.
#
# Knobs: BENCH_PROFILES (100000), BENCH_VACANCIES (50000), BENCH_DURATION
# (wrk seconds per endpoint, 10), BENCH_CONNECTIONS (32), BENCH_EMAILS (2000),
# BENCH_OUT (where BENCHMARKS.md goes; the repository root by default),
# BENCH_SETTLE (seconds after the seed before measuring the steady state, 0:
# the matcher's change feed needs no quiet time; kept to compare).
# Import: BENCH_IMPORT_PROFILES (people imported each way, 25000),
# BENCH_IMPORT_VACANCIES (published and draft vacancies seeded first, 10000),
# BENCH_IMPORT_CONCURRENCY (API requests in flight, 16).
# BENCH_CLIFF_VACANCIES (vacancies written while Find jobs is loaded, 10000).
# BENCH_PERF (on: a perf profile of the server under each HTTP load, taken
# in a separate 5-second run; off to skip; Debian: apt-get install linux-perf).
# BENCH_SEARCH_PREFIX (the matching bench's Meilisearch index names,
# fairchance_bench_, so a run leaves an installation's indexes alone).
# BENCH_ONLY=import runs only the import part (and needs neither wrk nor
# aiosmtpd); BENCHMARKS.md then keeps its other sections and only the import
# section is replaced. BENCH_ONLY=noimport runs everything but the import
# (about an hour less) and keeps the import section of BENCHMARKS.md,
# marked as from an earlier run.
# Takes about 13 minutes on 2 cores, plus the import. Not part of the test
# suite or CI.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PROFILES="${BENCH_PROFILES:-100000}"
VACANCIES="${BENCH_VACANCIES:-50000}"
DURATION="${BENCH_DURATION:-10}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
EMAILS="${BENCH_EMAILS:-2000}"
SETTLE="${BENCH_SETTLE:-0}"
IMPORT_PROFILES="${BENCH_IMPORT_PROFILES:-25000}"
IMPORT_VACANCIES="${BENCH_IMPORT_VACANCIES:-10000}"
IMPORT_CONCURRENCY="${BENCH_IMPORT_CONCURRENCY:-16}"
CLIFF_VACANCIES="${BENCH_CLIFF_VACANCIES:-10000}"
PERF="${BENCH_PERF:-on}"
command -v perf >/dev/null || PERF="off (perf is not installed)"
ONLY="${BENCH_ONLY:-}"
case "$ONLY" in
    "" | import | noimport) ;;
    *) echo "benches/run.sh: BENCH_ONLY is empty (everything), import or noimport, not $ONLY" >&2; exit 1 ;;
esac
PG_BASE="${BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
OUT="${BENCH_OUT:-$ROOT/BENCHMARKS.md}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET/release/fairchance"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/fc-bench.XXXXXX")"
RESULTS="$WORK/results.txt"
PG_DB="fc_bench_$(date +%s)_$$"
SERVER_PID=""
SMTP_PID=""
WORKER_PID=""

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
result() { printf '%s=%s\n' "$1" "$2" >>"$RESULTS"; }

cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n "$SMTP_PID" ]] && kill -0 "$SMTP_PID" 2>/dev/null; then
        kill "$SMTP_PID" 2>/dev/null || true
        wait "$SMTP_PID" 2>/dev/null || true
    fi
    if [[ -n "$WORKER_PID" ]] && kill -0 "$WORKER_PID" 2>/dev/null; then
        kill "$WORKER_PID" 2>/dev/null || true
        wait "$WORKER_PID" 2>/dev/null || true
    fi
    if [[ "$PG_BASE" != off ]]; then
        psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
        psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS ${PG_DB}_import" >/dev/null 2>&1 || true
    fi
    # A run that stops midway keeps what it measured: the results so far
    # are kept in a file of their own, and its name is printed.
    # Its text files (wrk outputs, profiles) go beside it, so the report
    # can still be written: python3 benches/report.py RESULTS DIR.
    if [[ -f "$RESULTS" && ! -f "$WORK/results-copy.txt" ]]; then
        local kept="${TMPDIR:-/tmp}/fc-bench-kept-$(date +%s)"
        mkdir -p "$kept" && cp "$WORK"/*.txt "$kept"/ 2>/dev/null
        echo "benches/run.sh stopped early; its results so far are in $kept/results.txt" >&2
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

TOOLS=(curl python3)
[[ "$ONLY" != import ]] && TOOLS+=(wrk)
for tool in "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null || { echo "benches/run.sh: $tool is not installed" >&2; exit 1; }
done
SMTP_PYTHON=python3
if [[ "$ONLY" != import ]] && ! python3 -c 'import aiosmtpd' 2>/dev/null; then
    if /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null; then
        SMTP_PYTHON=/usr/bin/python3
    else
        echo "benches/run.sh: python3 has no aiosmtpd (apt-get install python3-aiosmtpd)" >&2
        exit 1
    fi
fi

: >"$RESULTS"
result started "$(date -u '+%Y-%m-%d %H:%M UTC')"
result uptime_before "$(uptime)"
result cpu_model "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
result cpu_count "$(grep -c '^processor' /proc/cpuinfo)"
result cpu_mhz "$(grep -m1 'cpu MHz' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
result memory "$(free -m | awk '/^Mem:/ {print $2 " MiB total, " $7 " MiB available"}')"
result uname "$(uname -srmo)"
result rustc "$(rustc --version)"
result wrk_version "$(wrk -v 2>&1 | head -n1 | sed 's/ Copyright.*//' || true)"
result git_commit "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
result profiles "$PROFILES"
result vacancies "$VACANCIES"
result duration "$DURATION"
result connections "$CONNECTIONS"
result only "$ONLY"
result import_profiles "$IMPORT_PROFILES"
result import_vacancies "$IMPORT_VACANCIES"
result import_concurrency "$IMPORT_CONCURRENCY"
result perf "$PERF"

log "building release binaries and benches (one build)"
cargo build --release --bins --benches
cargo bench --no-run --bench matching --bench http_setup --bench email --bench import

SECRET="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"

# run_import NAME DATABASE_URL: issue #20, 25,000 people imported by CSV
# and by the API into a fresh database of published vacancies.
run_import() {
    local backend="$1" url="$2"
    local data="$WORK/import-$backend" port setup
    mkdir -p "$data/csv"
    port="$(free_port)"
    export FAIRCHANCE_DATA_DIR="$data" FAIRCHANCE_DATABASE_URL="$url" \
        FAIRCHANCE_SECRET_KEY="$SECRET" FAIRCHANCE_DEMO=off FAIRCHANCE_WORKER=off \
        FAIRCHANCE_BIND="127.0.0.1:$port" FAIRCHANCE_LOG=warn
    log "import $backend: seeding $IMPORT_VACANCIES vacancies and one service"
    "$BIN" seed --synthetic --profiles 0 --vacancies "$IMPORT_VACANCIES" | tee "$WORK/import-seed-$backend.txt"
    result "import_${backend}_seed" "$(tail -n1 "$WORK/import-seed-$backend.txt")"
    "$BIN" reindex | tee "$WORK/import-reindex-$backend.txt"
    result "import_${backend}_reindex" "$(tail -n1 "$WORK/import-reindex-$backend.txt")"
    log "import $backend: writing $IMPORT_PROFILES people as CSV, and a token"
    setup="$WORK/import-setup-$backend.sh"
    FAIRCHANCE_BENCH_IMPORT_STEP=prepare FAIRCHANCE_BENCH_IMPORT_DIR="$data/csv" \
        FAIRCHANCE_BENCH_IMPORT_PROFILES="$IMPORT_PROFILES" cargo bench -q --bench import >"$setup"
    # shellcheck disable=SC1090
    source "$setup"
    result "import_${backend}_files" "$(echo "$BENCH_IMPORT_FILES" | wc -w)"
    result "import_${backend}_csv_bytes" "$(cat $BENCH_IMPORT_FILES | wc -c)"

    # CSV: the command line, file after file (at most MAX_ROWS rows each).
    result "import_${backend}_csv_load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
    log "import $backend: fairchance import profiles ($(echo "$BENCH_IMPORT_FILES" | wc -w) files) into $BENCH_IMPORT_SERVICE"
    local started ended file
    started="$(date +%s.%N)"
    for file in $BENCH_IMPORT_FILES; do
        "$BIN" import profiles "$file" --service "$BENCH_IMPORT_SERVICE" 2>>"$WORK/import-csv-$backend.log" \
            | tee -a "$WORK/import-csv-$backend.txt"
    done
    ended="$(date +%s.%N)"
    result "import_${backend}_csv_seconds" "$(python3 -c "print(f'{$ended - $started:.1f}')")"
    result "import_${backend}_csv_rows_per_s" "$(python3 -c "print(f'{$IMPORT_PROFILES / ($ended - $started):.0f}')")"
    log "import $backend: CSV took $(python3 -c "print(f'{$ended - $started:.1f}')") s; the worker matches them"
    local since
    since="$(date +%s.%N)"
    "$BIN" worker >"$WORK/import-worker-$backend.log" 2>&1 &
    WORKER_PID=$!
    FAIRCHANCE_BENCH_IMPORT_STEP=wait FAIRCHANCE_BENCH_IMPORT_MARK="$BENCH_IMPORT_MARK" \
        FAIRCHANCE_BENCH_IMPORT_SINCE="$since" FAIRCHANCE_BENCH_IMPORT_PROFILES="$IMPORT_PROFILES" \
        cargo bench -q --bench import | tee "$WORK/import-wait-$backend.txt"
    result "import_${backend}_csv_load_after" "$(cut -d' ' -f1-3 /proc/loadavg)"
    grep '^RESULT ' "$WORK/import-wait-$backend.txt" | sed "s/^RESULT /import_${backend}_/" >>"$RESULTS"
    kill "$WORKER_PID"
    wait "$WORKER_PID" 2>/dev/null || true
    WORKER_PID=""
    result "import_${backend}_worker_log_errors" "$(grep -ciE ' (ERROR|WARN) ' "$WORK/import-worker-$backend.log" || true)"

    # API: a server with its worker, and the batched client.
    log "import $backend: the API, $IMPORT_CONCURRENCY requests in flight"
    FAIRCHANCE_WORKER=on "$BIN" serve >"$WORK/import-serve-$backend.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 120); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break
        sleep 0.5
    done
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || {
        echo "the server did not start; its log:" >&2
        cat "$WORK/import-serve-$backend.log" >&2
        exit 1
    }
    result "import_${backend}_api_load_before" "$(cut -d' ' -f1-3 /proc/loadavg)"
    FAIRCHANCE_BENCH_IMPORT_STEP=api FAIRCHANCE_BENCH_IMPORT_URL="http://127.0.0.1:$port" \
        FAIRCHANCE_BENCH_IMPORT_TOKEN="$BENCH_IMPORT_TOKEN" FAIRCHANCE_BENCH_IMPORT_PROFILES="$IMPORT_PROFILES" \
        FAIRCHANCE_BENCH_IMPORT_CONCURRENCY="$IMPORT_CONCURRENCY" \
        cargo bench -q --bench import | tee "$WORK/import-api-$backend.txt"
    result "import_${backend}_api_load_after" "$(cut -d' ' -f1-3 /proc/loadavg)"
    grep '^RESULT ' "$WORK/import-api-$backend.txt" | sed "s/^RESULT /import_${backend}_/" >>"$RESULTS"
    result "import_${backend}_server_log_errors" "$(grep -ciE ' (ERROR|WARN) ' "$WORK/import-serve-$backend.log" || true)"
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    unset FAIRCHANCE_DATA_DIR FAIRCHANCE_DATABASE_URL FAIRCHANCE_BIND
}

# run_imports: run_import on each backend.
run_imports() {
    run_import sqlite "sqlite://$WORK/import-sqlite/fairchance.sqlite3"
    if [[ "$PG_BASE" != off ]]; then
        run_import postgres "$PG_BASE/${PG_DB}_import"
        psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS ${PG_DB}_import" >/dev/null
    fi
}

if [[ "$ONLY" == import ]]; then
    run_imports
    result uptime_after "$(uptime)"
    result finished "$(date -u '+%Y-%m-%d %H:%M UTC')"
    # Only the import section of BENCHMARKS.md is replaced.
    python3 "$ROOT/benches/report.py" "$RESULTS" "$WORK" "$OUT" >"$WORK/BENCHMARKS.md"
    cp "$WORK/BENCHMARKS.md" "$OUT"
    log "wrote the import section of $OUT"
    exit 0
fi

log "matching benchmark (seeds its own SQLite database)"
FAIRCHANCE_BENCH_PROFILES="$PROFILES" FAIRCHANCE_BENCH_VACANCIES="$VACANCIES" FAIRCHANCE_BENCH_SETTLE_SECONDS="$SETTLE" \
    cargo bench -q --bench matching | tee "$WORK/matching.txt"
grep '^RESULT ' "$WORK/matching.txt" | sed 's/^RESULT /matching_/' >>"$RESULTS"

# load_endpoint BACKEND NAME PATHS COOKIE AUTH
load_endpoint() {
    local backend="$1" name="$2" paths="$3" cookie="$4" auth="$5" port="$6"
    local first="${paths%% *}" status
    local args=(-s -o /dev/null -w '%{http_code}')
    [[ -n "$cookie" ]] && args+=(-H "Cookie: $cookie")
    [[ -n "$auth" ]] && args+=(-H "Authorization: $auth")
    status="$(curl "${args[@]}" "http://127.0.0.1:$port$first")"
    result "http_${backend}_${name}_check_status" "$status"
    log "$backend $name: GET $first answered $status before the load"
    # One request at a time, each URL twice (the second is timed): the
    # latency of a request alone, without the load.
    local path times=""
    for path in $paths; do
        curl "${args[@]}" "http://127.0.0.1:$port$path" >/dev/null
        times+="$(curl -s -o /dev/null -w '%{time_total}' "${args[@]:5}" "http://127.0.0.1:$port$path") "
    done
    result "http_${backend}_${name}_alone_ms" "$(python3 -c 'import sys, statistics as s; t=[float(x)*1000 for x in sys.argv[1:]]; print(f"{s.median(t):.1f} {max(t):.1f}")' $times)"
    # CPU time the server and the whole machine spend during the load.
    local server_before machine_before server_after machine_after
    server_before="$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")"
    machine_before="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)"
    BENCH_PATHS="$paths" BENCH_COOKIE="$cookie" BENCH_AUTH="$auth" \
        wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency \
        -s "$ROOT/benches/wrk.lua" "http://127.0.0.1:$port" >"$WORK/wrk-$backend-$name.txt"
    server_after="$(awk '{print $14 + $15}' "/proc/$SERVER_PID/stat")"
    machine_after="$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat)"
    grep '^WRK ' "$WORK/wrk-$backend-$name.txt" | sed "s/^WRK /http_${backend}_${name}_/" >>"$RESULTS"
    # Clock ticks (USER_HZ) to seconds.
    local hz
    hz="$(getconf CLK_TCK)"
    result "http_${backend}_${name}_server_cpu_s" "$(python3 -c "print(f'{($server_after - $server_before) / $hz:.2f}')")"
    result "http_${backend}_${name}_machine_cpu_s" "$(python3 -c "print(f'{($machine_after - $machine_before) / $hz:.2f}')")"
    log "$backend $name: $(grep -E '^WRK (rps|p99_ms|status_2xx)=' "$WORK/wrk-$backend-$name.txt" | tr '\n' ' ')"
}

# profile_endpoint BACKEND NAME PATHS COOKIE AUTH PORT: where the server's
# time goes under the same load (issue #18: a profile for each goal not
# met). perf samples the server's threads for 5 s of a separate wrk run,
# so the measured run above carries no profiling cost; the flat profile
# (self time by symbol, and by library) is kept for the report. Skipped,
# and said so, when perf is missing or not allowed.
profile_endpoint() {
    local backend="$1" name="$2" paths="$3" cookie="$4" auth="$5" port="$6"
    local data="$WORK/perf-$backend-$name.data"
    if [[ "$PERF" != on ]]; then
        return
    fi
    BENCH_PATHS="$paths" BENCH_COOKIE="$cookie" BENCH_AUTH="$auth" \
        wrk -t2 -c"$CONNECTIONS" -d7s --timeout 10s -s "$ROOT/benches/wrk.lua" \
        "http://127.0.0.1:$port" >/dev/null &
    local wrk_pid=$!
    sleep 1
    if perf record -F 499 -p "$SERVER_PID" -o "$data" -- sleep 5 >/dev/null 2>&1; then
        perf report -i "$data" --no-children --sort dso --stdio 2>/dev/null \
            | grep -E '^ +[0-9]' | sed -E 's/^ +//; s/ +$//' | head -n 6 >"$WORK/perf-$backend-$name-dso.txt" || true
        perf report -i "$data" --no-children --sort symbol --stdio 2>/dev/null \
            | grep -E '^ +[0-9]' | sed -E 's/^ +//; s/ +- +- *$//; s/ +$//' | cut -c1-150 | head -n 25 \
            >"$WORK/perf-$backend-$name-symbols.txt" || true
        result "http_${backend}_${name}_perf" "yes"
    else
        result "http_${backend}_${name}_perf" "perf record failed"
    fi
    wait "$wrk_pid" 2>/dev/null || true
    rm -f "$data"
}

# no_cliff BACKEND PATHS COOKIE PORT: issue #18 item 3. Find jobs is loaded
# in 2-second slices while another $CLIFF_VACANCIES vacancies are written to
# the database by a second process (a bulk write, as a CSV import makes),
# then for 5 s after it ends; each slice's requests/s is kept, to compare
# with the steady state measured before.
no_cliff() {
    local backend="$1" paths="$2" cookie="$3" port="$4"
    local seed_pid slices="" after="" rps
    log "$backend: Find jobs while $CLIFF_VACANCIES more vacancies are written, and 5 s after"
    local seed_started seed_ended
    seed_started="$(date +%s.%N)"
    "$BIN" seed --synthetic --profiles 0 --vacancies "$CLIFF_VACANCIES" --seed 7 \
        >"$WORK/cliff-seed-$backend.txt" 2>&1 &
    seed_pid=$!
    while kill -0 "$seed_pid" 2>/dev/null; do
        BENCH_PATHS="$paths" BENCH_COOKIE="$cookie" BENCH_AUTH="" \
            wrk -t2 -c"$CONNECTIONS" -d2s --timeout 10s -s "$ROOT/benches/wrk.lua" \
            "http://127.0.0.1:$port" >"$WORK/wrk-cliff.txt"
        rps="$(sed -n 's/^WRK rps=//p' "$WORK/wrk-cliff.txt")"
        slices+="${rps%.*} "
        grep -E '^WRK (status_3xx|status_4xx|status_5xx|socket_errors)=' "$WORK/wrk-cliff.txt" | sed "s/^WRK /cliff_/" >>"$WORK/cliff-errors-$backend.txt" || true
    done
    wait "$seed_pid" || { echo "the bulk write failed:" >&2; cat "$WORK/cliff-seed-$backend.txt" >&2; exit 1; }
    seed_ended="$(date +%s.%N)"
    BENCH_PATHS="$paths" BENCH_COOKIE="$cookie" BENCH_AUTH="" \
        wrk -t2 -c"$CONNECTIONS" -d5s --timeout 10s -s "$ROOT/benches/wrk.lua" \
        "http://127.0.0.1:$port" >"$WORK/wrk-cliff.txt"
    after="$(sed -n 's/^WRK rps=//p' "$WORK/wrk-cliff.txt")"
    grep -E '^WRK (status_3xx|status_4xx|status_5xx|socket_errors)=' "$WORK/wrk-cliff.txt" | sed "s/^WRK /cliff_/" >>"$WORK/cliff-errors-$backend.txt" || true
    result "http_${backend}_cliff_vacancies" "$CLIFF_VACANCIES"
    result "http_${backend}_cliff_write_s" "$(python3 -c "print(f'{$seed_ended - $seed_started:.1f}')")"
    result "http_${backend}_cliff_during_rps" "$slices"
    result "http_${backend}_cliff_after_rps" "${after%.*}"
    result "http_${backend}_cliff_errors" "$(awk -F= '{s += $2} END {print s + 0}' "$WORK/cliff-errors-$backend.txt" 2>/dev/null || echo 0)"
    log "$backend: during the write: $slices requests/s (2-s slices); 5 s after: ${after%.*}"
}

# run_backend NAME DATABASE_URL
run_backend() {
    local backend="$1" url="$2"
    local data="$WORK/data-$backend" port
    mkdir -p "$data"
    port="$(free_port)"
    export FAIRCHANCE_DATA_DIR="$data" FAIRCHANCE_DATABASE_URL="$url" \
        FAIRCHANCE_SECRET_KEY="$SECRET" FAIRCHANCE_DEMO=off FAIRCHANCE_WORKER=off \
        FAIRCHANCE_BIND="127.0.0.1:$port" FAIRCHANCE_LOG=warn
    log "$backend: seeding $PROFILES profiles and $VACANCIES vacancies"
    "$BIN" seed --synthetic --profiles "$PROFILES" --vacancies "$VACANCIES" | tee "$WORK/seed-$backend.txt"
    result "http_${backend}_seed" "$(tail -n1 "$WORK/seed-$backend.txt")"
    local seeded_at
    seeded_at="$(date +%s)"
    log "$backend: reindexing"
    "$BIN" reindex | tee "$WORK/reindex-$backend.txt"
    result "http_${backend}_reindex" "$(tail -n1 "$WORK/reindex-$backend.txt")"
    log "$backend: sessions and token"
    cargo bench -q --bench http_setup >"$WORK/setup-$backend.sh"
    # shellcheck disable=SC1090
    source "$WORK/setup-$backend.sh"
    result "http_${backend}_employer_vacancies" "$BENCH_EMPLOYER_VACANCIES"

    local started_ns healthz_s="" readyz_s=""
    started_ns="$(date +%s%N)"
    # Warnings and errors, and the start-up lines of the server and of its
    # index and copies (the copies filled, below).
    FAIRCHANCE_LOG="warn,fairchance::web=info,fairchance::startup=info" "$BIN" serve >"$WORK/serve-$backend.log" 2>&1 &
    SERVER_PID=$!
    # Start-up: /healthz as soon as the server listens; /readyz once the
    # start-up check has compared every document with the database
    # (150,000 rows at full scale; issue #18 item 4).
    for _ in $(seq 1 2400); do
        if [ -z "$healthz_s" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then
            healthz_s="$(( ($(date +%s%N) - started_ns) / 1000000 ))"
        fi
        if [ -n "$healthz_s" ] && curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then
            readyz_s="$(( ($(date +%s%N) - started_ns) / 1000000 ))"
            break
        fi
        sleep 0.05
    done
    curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" || {
        echo "the server did not start; its log:" >&2
        cat "$WORK/serve-$backend.log" >&2
        exit 1
    }
    result "http_${backend}_healthz_ms" "$healthz_s"
    result "http_${backend}_readyz_ms" "${readyz_s:-timeout}"
    result "http_${backend}_rss_start_kb" "$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")"
    # Once ready, the server fills its in-memory copies with every row
    # (`Matcher::warm`); the load starts when its log says it has, so the
    # figures below are the server's steady state, not its first seconds.
    local warmed_s=""
    for _ in $(seq 1 1200); do
        if grep -q "in-memory copies filled" "$WORK/serve-$backend.log"; then
            warmed_s="$(( ($(date +%s%N) - started_ns) / 1000000 ))"
            break
        fi
        sleep 0.05
    done
    result "http_${backend}_warmed_ms" "${warmed_s:-timeout}"
    result "http_${backend}_rss_warm_kb" "$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")"
    # The matcher's change feed lists each row the seed wrote once, on the
    # first check after it, so no quiet time is needed (BENCH_SETTLE adds one).
    log "$backend: waiting until $SETTLE s after the seed's last write"
    while (($(date +%s) < seeded_at + SETTLE)); do sleep 1; done

    local find_paths="/terminal/find /terminal/find?q=warehouse /terminal/find?sector=hospitality&distance=25"
    find_paths+=" /terminal/find?q=cleaner&distance=10 /terminal/find?sector=construction /terminal/find?q=driver&distance=50"
    find_paths+=" /terminal/find?q=kitchen+porter /terminal/find?sector=retail&distance=10"
    local officer_paths="" id
    for id in $BENCH_OFFICER_PROFILES; do officer_paths+="/officer/profiles/$id/matches "; done
    local api_paths="" page
    for page in 1 2 3 4; do api_paths+="/api/v1/vacancies?page=$page&per_page=50 "; done

    load_endpoint "$backend" terminal_find "$find_paths" \
        "fc_device=$BENCH_DEVICE_COOKIE; fc_session=$BENCH_SEEKER_COOKIE" "" "$port"
    load_endpoint "$backend" officer_matches "$officer_paths" "fc_session=$BENCH_STAFF_COOKIE" "" "$port"
    load_endpoint "$backend" api_vacancies "$api_paths" "" "Bearer $BENCH_API_TOKEN" "$port"
    profile_endpoint "$backend" terminal_find "$find_paths" \
        "fc_device=$BENCH_DEVICE_COOKIE; fc_session=$BENCH_SEEKER_COOKIE" "" "$port"
    profile_endpoint "$backend" officer_matches "$officer_paths" "fc_session=$BENCH_STAFF_COOKIE" "" "$port"
    profile_endpoint "$backend" api_vacancies "$api_paths" "" "Bearer $BENCH_API_TOKEN" "$port"
    no_cliff "$backend" "$find_paths" "fc_device=$BENCH_DEVICE_COOKIE; fc_session=$BENCH_SEEKER_COOKIE" "$port"

    result "http_${backend}_vmhwm_kb" "$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")"
    result "http_${backend}_rss_end_kb" "$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")"
    result "http_${backend}_server_log_errors" "$(grep -ciE ' (ERROR|WARN) ' "$WORK/serve-$backend.log" || true)"
    grep -iE ' (ERROR|WARN) ' "$WORK/serve-$backend.log" | head -n 5 >"$WORK/serve-$backend-errors.txt" || true
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    unset FAIRCHANCE_DATA_DIR FAIRCHANCE_DATABASE_URL FAIRCHANCE_BIND
}

run_backend sqlite "sqlite://$WORK/data-sqlite/fairchance.sqlite3"
if [[ "$PG_BASE" != off ]]; then
    run_backend postgres "$PG_BASE/$PG_DB"
    psql "$PG_BASE/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
else
    result http_postgres_skipped "BENCH_PG=off"
fi

log "email throughput"
SMTP_PORT="$(free_port)"
"$SMTP_PYTHON" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" >"$WORK/smtp.log" 2>&1 &
SMTP_PID=$!
sleep 1
FAIRCHANCE_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" FAIRCHANCE_BENCH_EMAILS="$EMAILS" \
    cargo bench -q --bench email | tee "$WORK/email.txt"
grep '^RESULT ' "$WORK/email.txt" | sed 's/^RESULT //' >>"$RESULTS"
kill "$SMTP_PID"
wait "$SMTP_PID" 2>/dev/null || true
SMTP_PID=""

# demo_drain ENGINE: issue #17, the demo seed's matching queue. `serve` on
# a fresh SQLite database with the demo data and its worker; the time from
# the process's start until /readyz is 200 and no vacancy.changed or
# profile.changed job is queued or running.
demo_drain() {
    local engine="$1" data port started_ns drained_ms="" counts
    data="$WORK/drain-$engine"
    mkdir -p "$data"
    port="$(free_port)"
    local prefix="fc_drain_$$_"
    local env=(FAIRCHANCE_DATA_DIR="$data" FAIRCHANCE_DATABASE_URL="sqlite://$data/fairchance.sqlite3"
        FAIRCHANCE_SECRET_KEY="$SECRET" FAIRCHANCE_DEMO=on FAIRCHANCE_WORKER=on
        FAIRCHANCE_BIND="127.0.0.1:$port" FAIRCHANCE_LOG=warn FAIRCHANCE_SEARCH_PREFIX="$prefix")
    [[ "$engine" == meilisearch ]] && env+=(FAIRCHANCE_SEARCH=meilisearch)
    log "demo seed on $engine: serve with its worker until the matching queue is empty"
    started_ns="$(date +%s%N)"
    env "${env[@]}" "$BIN" serve >"$WORK/drain-$engine.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 3000); do
        if curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; then
            counts="$(python3 - "$data/fairchance.sqlite3" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=5)
kinds = ("vacancy.changed", "profile.changed")
left = db.execute("SELECT count(*) FROM jobs WHERE kind IN (?, ?) AND status IN ('queued', 'running')", kinds).fetchone()[0]
total = db.execute("SELECT count(*) FROM jobs WHERE kind IN (?, ?)", kinds).fetchone()[0]
print(left, total)
PY
)" || counts="? 0"
            if [[ "${counts%% *}" == 0 && "${counts##* }" != 0 ]]; then
                drained_ms="$(( ($(date +%s%N) - started_ns) / 1000000 ))"
                break
            fi
        fi
        sleep 0.1
    done
    result "drain_${engine}_ms" "${drained_ms:-timeout}"
    result "drain_${engine}_jobs" "${counts##* }"
    result "drain_${engine}_log_errors" "$(grep -ciE ' (ERROR|WARN) ' "$WORK/drain-$engine.log" || true)"
    log "demo seed on $engine: ${counts##* } matching jobs done after ${drained_ms:-timeout} ms"
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    if [[ "$engine" == meilisearch ]]; then
        local kind auth=()
        [[ -n "${MEILISEARCH_API_KEY:-}" ]] && auth=(-H "Authorization: Bearer $MEILISEARCH_API_KEY")
        for kind in vacancies profiles; do
            curl -s -o /dev/null -X DELETE "${auth[@]}" "${MEILISEARCH_URL%/}/indexes/$prefix$kind" || true
        done
    fi
}

demo_drain embedded
[[ -n "${MEILISEARCH_URL:-}" ]] && demo_drain meilisearch

[[ "$ONLY" != noimport ]] && run_imports

result uptime_after "$(uptime)"
result finished "$(date -u '+%Y-%m-%d %H:%M UTC')"
cp "$RESULTS" "$WORK/results-copy.txt"
python3 "$ROOT/benches/report.py" "$RESULTS" "$WORK" "$OUT" >"$WORK/BENCHMARKS.md"
cp "$WORK/BENCHMARKS.md" "$OUT"
log "wrote $OUT"
