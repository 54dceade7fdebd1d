"""Card gateway adapters, one module per gateway, each a ``CardGateway``."""
