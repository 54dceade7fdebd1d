"""tarifa: the command-line client of the Tarifa suite, over the services' HTTP APIs."""
