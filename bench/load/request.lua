-- wrk script for bench/load/run.sh: one request shape per run, given after
-- "--" on wrk's command line:
--   METHOD ACCEPT [BODY_FILE CONTENT_TYPE]
-- and one machine-readable summary line at the end.

function init(args)
  wrk.method = args[1]
  wrk.headers["Accept"] = args[2]
  if args[3] then
    local file = assert(io.open(args[3], "rb"))
    wrk.body = file:read("*a")
    file:close()
    wrk.headers["Content-Type"] = args[4]
  end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
               + summary.errors.status + summary.errors.timeout
  io.write(string.format("result rps=%.1f p50_ms=%.3f p99_ms=%.3f errors=%d\n",
                         summary.requests / (summary.duration / 1e6),
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors))
end
