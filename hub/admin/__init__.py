"""District administration: places, accounts and role grants."""
