"""``python -m accounts [serve|migrate]``."""

from tarifa.runner import main as run
from tarifa.settings import load_settings

from accounts.bootstrap import MIGRATIONS, build_app
from accounts.settings import AccountsSettings


def main() -> None:
    run(load_settings(AccountsSettings), build_app, MIGRATIONS)


if __name__ == "__main__":
    main()
