"""HTTP bodies of subscriber logins and passwords."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from tarifa.fields import NoControl

__all__ = ["LoginBody", "LoginIssueBody", "LoginIssuedOut", "LoginOut", "PasswordChangeBody",
           "PasswordSetupBody"]

LoginName = Annotated[str, StringConstraints(min_length=1, max_length=64), NoControl]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=256), NoControl]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class LoginIssueBody(_Body):
    login: LoginName | None = Field(
        None, description="3 to 64 letters, digits or . _ @ -; ten digits are drawn when absent",
        examples=["ion.popescu"])


class LoginIssuedOut(BaseModel):
    login: str
    setup_code: str = Field(description="handed to the subscriber with the contract; shown "
                                        "this once only, spent when the password is set")
    setup_expires_at: datetime


class LoginOut(BaseModel):
    login: str
    issued_at: datetime
    password_set: bool
    password_set_at: datetime | None
    locked_until: datetime | None


class LoginBody(_Body):
    login: LoginName
    password: Secret


class PasswordSetupBody(_Body):
    login: LoginName
    setup_code: Annotated[str, StringConstraints(min_length=1, max_length=32), NoControl] = Field(
        examples=["ABCD-EFGH-JKLM"])
    password: Secret = Field(description="the policy's minimum length (ACCOUNTS_PASSWORD_MIN_"
                                         "LENGTH) or more")


class PasswordChangeBody(_Body):
    current_password: Secret
    new_password: Secret
