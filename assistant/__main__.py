from assistant.memory import limit_arenas

limit_arenas()  # before any library starts a thread (assistant/memory.py)

from assistant.cli import main  # noqa: E402

raise SystemExit(main())
