#!/usr/bin/env python3
"""Developers' entry point; `sanfu` is the same thing installed as a console command."""

import os

from sanfu.cli import main

if __name__ == "__main__":
    # Working on the code is not production: a development key and debug pages.
    os.environ.setdefault("SANFU_DEBUG", "true")
    main()
