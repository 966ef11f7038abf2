"""Reference endpoints for the benchmarks, only with HUB_BENCH_ROUTES=1 (make bench)."""
