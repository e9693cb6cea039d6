-- wrk script for benches/run.sh: GETs the paths in BENCH_PATHS (space
-- separated) in turn, with BENCH_COOKIE as the Cookie header and BENCH_AUTH
-- as the Authorization header when set, and counts every answer by status
-- class so that non-2xx answers are reported as errors.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for p in string.gmatch(os.getenv("BENCH_PATHS") or "/", "%S+") do
    table.insert(paths, p)
  end
  -- Threads start at different places in the list.
  next_path = (thread_no * 7) % #paths
  local cookie = os.getenv("BENCH_COOKIE")
  if cookie and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  local auth = os.getenv("BENCH_AUTH")
  if auth and auth ~= "" then
    wrk.headers["Authorization"] = auth
  end
  ok = 0
  redirects = 0
  client_errors = 0
  server_errors = 0
  last_bad = 0
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  else
    last_bad = status
    if status < 400 then
      redirects = redirects + 1
    elseif status < 500 then
      client_errors = client_errors + 1
    else
      server_errors = server_errors + 1
    end
  end
end

function done(summary, latency, requests)
  local totals = { ok = 0, redirects = 0, client_errors = 0, server_errors = 0 }
  local last = 0
  for _, thread in ipairs(threads) do
    for key, _ in pairs(totals) do
      totals[key] = totals[key] + thread:get(key)
    end
    if thread:get("last_bad") ~= 0 then
      last = thread:get("last_bad")
    end
  end
  local e = summary.errors
  local seconds = summary.duration / 1000000
  io.write(string.format("WRK requests=%d\n", summary.requests))
  io.write(string.format("WRK seconds=%.2f\n", seconds))
  io.write(string.format("WRK rps=%.1f\n", summary.requests / seconds))
  io.write(string.format("WRK p50_ms=%.2f\n", latency:percentile(50) / 1000))
  io.write(string.format("WRK p99_ms=%.2f\n", latency:percentile(99) / 1000))
  io.write(string.format("WRK max_ms=%.2f\n", latency.max / 1000))
  io.write(string.format("WRK status_2xx=%d\n", totals.ok))
  io.write(string.format("WRK status_3xx=%d\n", totals.redirects))
  io.write(string.format("WRK status_4xx=%d\n", totals.client_errors))
  io.write(string.format("WRK status_5xx=%d\n", totals.server_errors))
  io.write(string.format("WRK last_bad_status=%d\n", last))
  io.write(string.format("WRK socket_errors=%d\n", e.connect + e.read + e.write + e.timeout))
  io.write(string.format("WRK timeouts=%d\n", e.timeout))
end
