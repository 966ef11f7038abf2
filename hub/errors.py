"""Domain errors: services raise these; routes turn them into messages."""


class DomainError(Exception):
    """A business rule said no."""


class MobileTaken(DomainError):
    """That mobile number already has an account."""


class WrongPassword(DomainError):
    """The current password given does not match."""


class InvalidGrant(DomainError):
    """A role grant lacks its scope or names the wrong kind of scope."""


class DuplicateName(DomainError):
    """Another place of that kind already has this name (or code)."""


class AuditLogIsAppendOnly(DomainError):
    """Audit entries are written once and never changed or deleted."""


class NotYourNotification(DomainError):
    """The notification belongs to someone else."""
