"""The ingestion side: load → identify → sections → tables → checks → chunks → stores."""

from index.limits import exact_decimals

exact_decimals()  # figures of any printed length add up exactly (Python's default context keeps 28 digits)
