-- wrk reports one run as JSON on its last line (benchmarks/pages.py reads it): requests, the
-- run's length, latency percentiles in microseconds, and the errors wrk counted.
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "errors_status": %d, "errors_timeout": %d, ' ..
    '"errors_connect": %d, "errors_read": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max, summary.errors.status,
    summary.errors.timeout, summary.errors.connect, summary.errors.read))
end
