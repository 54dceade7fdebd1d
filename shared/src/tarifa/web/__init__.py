"""What every service's HTTP side shares: the app factory, health, metrics, the test clock."""
