"""Web plumbing shared by every feature: access control, htmx, errors, headers."""
