"""The `bundlesmith` commands, one module per program; `bundlesmith.cli` adds them to the group.

    common.py      what every command shares: printing, the WORKSPACE argument, loading a workspace
    pipeline.py    validate, build, catalog, snippet, schema
    preview.py     preview
    publishing.py  plan, publish, rollback, status
    service.py     serve, rebuild
    workers.py     enqueue, worker

A command module never imports `bundlesmith.cli`: the group imports the commands, not the other way round.
"""
