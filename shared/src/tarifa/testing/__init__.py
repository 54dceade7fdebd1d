"""pytest fixtures and helpers for the services' integration and end-to-end tests."""
