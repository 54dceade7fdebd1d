"""Events on RabbitMQ: the CloudEvents envelope, the topology, the outbox relay and the inbox."""
