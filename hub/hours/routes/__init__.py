"""Hours pages, one blueprint each: check-in and attendance (``checkin``), keeping
a project's hours, offline check-in, and a volunteer's own hours and certificates
(``volunteer``). Registered by ``init_hours``."""
