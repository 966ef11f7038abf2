"""Shift pages, one blueprint each: sign up and My shifts (``signup``), finding
open shifts, calendars, posters and rosters. Registered by ``init_shifts``."""
