"""Real-browser journeys: Debian's Chromium driven by Playwright."""
