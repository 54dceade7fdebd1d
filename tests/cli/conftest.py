"""The CLI's integration test runs against the five services as processes, as tests/e2e does."""

from ..e2e.conftest import mailbox, suite

__all__ = ["mailbox", "suite"]
