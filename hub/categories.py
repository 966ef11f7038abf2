"""Fixed, translatable vocabularies shared by organizations and projects."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


class OrgType(StrEnum):
    COMMUNITY_SERVICE = "community_service"
    ELDERLY_CARE = "elderly_care"
    YOUTH = "youth"
    DISABILITY = "disability"
    CULTURE_SPORTS = "culture_sports"
    SOCIAL_WORK_AGENCY = "social_work_agency"
    VOLUNTEER_TEAM = "volunteer_team"
    OTHER = "other"


ORG_TYPE_LABELS = {
    OrgType.COMMUNITY_SERVICE: _l("Community service"),
    OrgType.ELDERLY_CARE: _l("Elderly care"),
    OrgType.YOUTH: _l("Children and youth"),
    OrgType.DISABILITY: _l("Disability support"),
    OrgType.CULTURE_SPORTS: _l("Culture and sports"),
    OrgType.SOCIAL_WORK_AGENCY: _l("Professional social-work agency"),
    OrgType.VOLUNTEER_TEAM: _l("Volunteer team"),
    OrgType.OTHER: _l("Other"),
}


class ServiceCategory(StrEnum):
    ELDERLY = "elderly"
    CHILDREN = "children"
    DISABILITY = "disability"
    HEALTH = "health"
    EDUCATION = "education"
    CULTURE = "culture"
    LEGAL = "legal"
    MEDIATION = "mediation"
    ENVIRONMENT = "environment"
    EMERGENCY = "emergency"
    EMPLOYMENT = "employment"
    GOVERNANCE = "governance"


SERVICE_CATEGORY_LABELS = {
    ServiceCategory.ELDERLY: _l("Elderly services"),
    ServiceCategory.CHILDREN: _l("Children and families"),
    ServiceCategory.DISABILITY: _l("Disability services"),
    ServiceCategory.HEALTH: _l("Health and care"),
    ServiceCategory.EDUCATION: _l("Education and tutoring"),
    ServiceCategory.CULTURE: _l("Culture and sports"),
    ServiceCategory.LEGAL: _l("Legal advice"),
    ServiceCategory.MEDIATION: _l("Neighbourhood mediation"),
    ServiceCategory.ENVIRONMENT: _l("Environment and greening"),
    ServiceCategory.EMERGENCY: _l("Emergency and safety"),
    ServiceCategory.EMPLOYMENT: _l("Employment support"),
    ServiceCategory.GOVERNANCE: _l("Community governance"),
}
