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


class CodeNotValid(DomainError):
    """The verification code is wrong, used, void or expired."""

    def __init__(self, tries_left: int = 0) -> None:
        super().__init__(tries_left)
        #: Wrong tries left on the code still open (0: ask for a new one).
        self.tries_left = tries_left


class TooManyCodes(DomainError):
    """Sending another code now would pass a limit; try after ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class ChallengeRequired(DomainError):
    """Many codes came from here lately: the person must answer a challenge first."""


class NumberNotVerified(DomainError):
    """The account has not proved that it holds its mobile number."""


class SelfGrant(DomainError):
    """Nobody gives themselves a reviewer's or an administrator's role."""
