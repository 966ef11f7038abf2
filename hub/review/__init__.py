"""Street reviewers: the filing queue, decisions, incubation stages."""
