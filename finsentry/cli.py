"""The `finsentry` console command: one entry point for every job.

`finsentry import-registry FILE` runs the Django management command
`import_registry`; `finsentry serve` runs the web server. Dashes and
underscores are interchangeable in command names.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a finsentry command named on the command line, as Django's manage.py does."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsentry.config.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "finsentry"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")

    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
