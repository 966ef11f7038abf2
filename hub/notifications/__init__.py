"""Notifications: in the app at once, by SMS through the outbox after the commit."""
