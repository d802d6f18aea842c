"""``python -m rvanalytics``: the same command line as the ``rvanalytics`` entry point."""

from rvanalytics.cli import main

main()
