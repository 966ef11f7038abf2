"""Indexes the city-scale benchmark showed missing (migration 0013; docs/benchmarks.md).

Declared here, beside the tables they serve, so the models and the migrations agree.
"""

from __future__ import annotations

from sqlalchemy import Index

from hub.models.hours import HourRecord
from hub.models.projects import Project
from hub.models.shifts import Shift, Signup

#: Dashboard hours by month: a project's confirmed records within a period.
Index(
    "ix_hour_records_project_state_served",
    HourRecord.__table__.c.project_id,
    HourRecord.__table__.c.state,
    HourRecord.__table__.c.served_on,
)
#: Dashboard active volunteers: a project's shifts in the last 90 days.
Index(
    "ix_shifts_project_starts",
    Shift.__table__.c.project_id,
    Shift.__table__.c.starts_at,
)
#: ... and who attended them, from the index alone.
Index(
    "ix_signups_shift_state_user",
    Signup.__table__.c.shift_id,
    Signup.__table__.c.state,
    Signup.__table__.c.user_id,
)
#: A street's project ids from the index alone (the dashboard joins from them).
Index("ix_projects_street_id_id", Project.__table__.c.street_id, Project.__table__.c.id)
