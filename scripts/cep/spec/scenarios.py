"""The feature files `cep spec` runs (CEP_FEATURES, default features/), bound to the `cep.spec.steps` step vocabulary.

Collected by pytest only when named on its command line, as `cep spec` does."""

from __future__ import annotations

import os
from pathlib import Path

from pytest_bdd import scenarios

scenarios(str(Path(os.environ.get("CEP_FEATURES", "features")).resolve()))
