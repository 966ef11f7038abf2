"""Home, health check, language and display preferences."""
