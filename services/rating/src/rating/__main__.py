"""``python -m rating [serve|migrate]``."""

from tarifa.runner import main as run
from tarifa.settings import load_settings

from rating.bootstrap import MIGRATIONS, build_app
from rating.settings import RatingSettings


def main() -> None:
    run(load_settings(RatingSettings), build_app, MIGRATIONS)


if __name__ == "__main__":
    main()
