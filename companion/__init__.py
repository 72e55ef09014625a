"""companion: a terminal companion for a coach's live sessions, offline and private."""

import os

__version__ = "0.1.0"

# No pydantic plugins: a plugin sees every record validated (a client's notes among them), and
# finding plugins means reading every installed package's metadata on the first validation.
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
