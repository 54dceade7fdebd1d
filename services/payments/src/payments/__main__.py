"""``python -m payments [serve|migrate]``."""

from tarifa.runner import main as run
from tarifa.settings import load_settings

from payments.bootstrap import MIGRATIONS, build_app
from payments.settings import PaymentsSettings


def main() -> None:
    run(load_settings(PaymentsSettings), build_app, MIGRATIONS)


if __name__ == "__main__":
    main()
