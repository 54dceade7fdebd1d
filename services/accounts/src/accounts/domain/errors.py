"""What the accounts rules refuse, in words an API can pass on."""

from __future__ import annotations

__all__ = ["BadCredentials", "InvalidCode", "InvalidLogin", "InvalidRequest", "LoginTaken",
           "MsisdnTaken", "StateConflict", "TooManyRequests", "UnknownEntity"]


class InvalidRequest(Exception):
    """A request the rules refuse; ``field`` names the offending input when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownEntity(Exception):
    """No customer, account or line with that id."""


class MsisdnTaken(Exception):
    """The number already belongs to an active line."""


class BadCredentials(Exception):
    """An API client that is unknown or gave the wrong secret."""


class LoginTaken(Exception):
    """The login already belongs to another account."""


class InvalidLogin(Exception):
    """A login, password or setup code that fails, or a locked login: the caller learns no
    more, so that an unknown login cannot be told from a wrong password."""


class StateConflict(Exception):
    """A request the account's current state does not allow; ``slug`` names the reason."""

    def __init__(self, message: str, *, slug: str) -> None:
        super().__init__(message)
        self.slug = slug


class InvalidCode(Exception):
    """A one-time code that is wrong, expired, used or voided; the caller learns no more."""


class TooManyRequests(Exception):
    """More one-time codes asked for than the policy allows in its window."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
