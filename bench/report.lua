-- Shared by every wrk run of `make bench`: one JSON line with the figures.
-- Latencies are wrk's (microseconds, corrected for coordinated omission).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function report(summary, latency)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "p50": %d, "p95": %d, "p99": %d, ' ..
    '"max": %d, "non2xx3xx": %d, "socket_errors": %d, "bytes": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, e.status, e.connect + e.read + e.write + e.timeout, summary.bytes))
end

done = report
