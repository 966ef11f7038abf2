"""Generated data sets: ``flask seed demo`` (hub.seed.demo, the story `make run`
loads) and ``flask seed city`` (hub.seed.city, the benchmark's city)."""
