"""Generated data sets: ``flask seed city`` (see hub.seed.city)."""
