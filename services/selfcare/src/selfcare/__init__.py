"""The self-care cabinet's small server: the built web app (web/dist) and its config.json."""
