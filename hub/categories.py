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


class Skill(StrEnum):
    """What a volunteer can do; shifts may require some (a fixed vocabulary)."""

    ELDERLY_CARE = "elderly_care"  # 助老
    DISABILITY_SUPPORT = "disability_support"  # 助残
    NURSING = "nursing"  # 医疗护理
    COUNSELLING = "counselling"  # 心理疏导
    LEGAL = "legal"  # 法律咨询
    TUTORING = "tutoring"  # 教育辅导
    RECREATION = "recreation"  # 文体活动
    IT = "it"  # 信息技术
    DRIVING = "driving"  # 驾驶
    TRANSLATION = "translation"  # 翻译
    PHOTOGRAPHY = "photography"  # 摄影
    COOKING = "cooking"  # 烹饪
    REPAIR = "repair"  # 家电维修
    SIGN_LANGUAGE = "sign_language"  # 手语
    FIRST_AID = "first_aid"  # 应急救护


SKILL_LABELS = {
    Skill.ELDERLY_CARE: _l("Helping older people"),
    Skill.DISABILITY_SUPPORT: _l("Supporting people with disabilities"),
    Skill.NURSING: _l("Nursing and care"),
    Skill.COUNSELLING: _l("Counselling"),
    Skill.LEGAL: _l("Legal advice"),
    Skill.TUTORING: _l("Tutoring"),
    Skill.RECREATION: _l("Culture and sports activities"),
    Skill.IT: _l("Computers and phones"),
    Skill.DRIVING: _l("Driving"),
    Skill.TRANSLATION: _l("Translation"),
    Skill.PHOTOGRAPHY: _l("Photography"),
    Skill.COOKING: _l("Cooking"),
    Skill.REPAIR: _l("Repairing appliances"),
    Skill.SIGN_LANGUAGE: _l("Sign language"),
    Skill.FIRST_AID: _l("First aid"),
}
