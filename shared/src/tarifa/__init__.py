"""The small library the Tarifa services share.

Events and their envelope, money, the outbox and the inbox, database helpers, settings, logging,
auth, problem+json errors, the injectable clock, health and metrics, and pytest fixtures.
"""
