"""``python -m notifications [serve|migrate]``."""

from tarifa.runner import main as run
from tarifa.settings import load_settings

from notifications.bootstrap import MIGRATIONS, build_app
from notifications.settings import NotificationsSettings


def main() -> None:
    run(load_settings(NotificationsSettings), build_app, MIGRATIONS)


if __name__ == "__main__":
    main()
