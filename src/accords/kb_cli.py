"""Knowledge-base commands (ingest, dyad, agreements, events, actors, search, show, export)."""
