"""The `finsentry` console command: one entry point for every job.

`finsentry import-registry FILE` runs the Django management command
`import_registry`; `finsentry serve` runs the web server. Dashes and
underscores are interchangeable in command names.
"""

import os
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


def main(argv: list[str] | None = None) -> None:
    """Run a finsentry command named on the command line, as Django's manage.py does."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "finsentry.config.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "finsentry"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")

    if len(args) > 1 and args[1] in _STANDALONE:
        _run_standalone(args)
        return

    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


# Commands that read and write files only: they run without django.setup(),
# which imports every app and its models (most of a second) for nothing.
_STANDALONE = {"screen": "finsentry.registry.management.commands.screen"}


def _run_standalone(args: list[str]) -> None:
    """Run a command of `_STANDALONE` with the settings' logging, apps not loaded."""
    import gc
    import importlib
    import logging.config

    from django.conf import settings

    # No command here does linear algebra: OpenBLAS's idle threads, started
    # when numpy loads, only took CPU time from the workers (about 1 %).
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if "pandas" not in sys.modules:
        sys.meta_path.insert(0, _WithoutPandas())
    # Django's configure_logging would first apply its own defaults, whose
    # handlers import mail and view modules (a tenth of a second) for nothing.
    logging.config.dictConfig(settings.LOGGING)
    module = importlib.import_module(_STANDALONE[args[1]])
    try:
        module.Command().run_from_argv(args)
    finally:
        # The process ends here: its last collection would walk every object
        # it made (a sixth of a second after a large file) for memory the
        # system takes back anyway.
        gc.freeze()


class _WithoutPandas:
    """Makes pandas unimportable in a standalone command.

    pandas is no dependency of finsentry (the benchmarks' baseline installs
    it), but where it is installed pyarrow imports it, 0.15 s in every
    worker process, only to ask whether a list it converts is a pandas
    object. Refused, pyarrow takes the list as a list.
    """

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname == "pandas" or fullname.startswith("pandas."):
            raise ModuleNotFoundError(f"{fullname} is not used here", name=fullname)
        return None


if __name__ == "__main__":
    main()
