"""The ingestion side: load → identify → sections → tables → checks → chunks → stores."""
