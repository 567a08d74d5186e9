"""`python -m deepling ...` is the `deepling` command: see `python -m deepling --help`."""

from deepling.cli import main

raise SystemExit(main())
