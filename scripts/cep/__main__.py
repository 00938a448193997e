"""`python -m cep`: the same as the `cep` command."""

from __future__ import annotations

import sys

from .cli import main

sys.exit(main())
