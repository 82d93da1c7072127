"""The service layer: what every front end (CLI, HTTP API, web UI, batch, monitoring) calls.

Screening (`screening`), its log (`screening_log`), batch files (`batch`), the hash-chained audit log
(`audit`), API keys (`keys`) and the on-disk matcher cache (`index_cache`). Nothing here imports a front
end (`vigil.cli`, `vigil.api`, `vigil.web`).
"""
