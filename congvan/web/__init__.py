"""`congvan web`: the office's front door in a browser (docs/web.md).

Litestar pages over the same library workflows and workspace files as the CLI; jobs run in a Huey consumer
that `congvan web` starts as a child process. Only this package imports litestar and huey.
"""
