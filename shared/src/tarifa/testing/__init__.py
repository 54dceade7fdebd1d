"""pytest fixtures for the services' integration and end-to-end tests."""
