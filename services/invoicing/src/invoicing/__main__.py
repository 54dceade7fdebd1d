"""``python -m invoicing [serve|migrate]``."""

from tarifa.runner import main as run
from tarifa.settings import load_settings

from invoicing.bootstrap import MIGRATIONS, build_app
from invoicing.settings import InvoicingSettings


def main() -> None:
    run(load_settings(InvoicingSettings), build_app, MIGRATIONS)


if __name__ == "__main__":
    main()
