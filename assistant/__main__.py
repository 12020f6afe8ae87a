from assistant.memory import prepare_process

prepare_process()  # before any library starts a thread or a kernel (assistant/memory.py)

from assistant.cli import main  # noqa: E402

raise SystemExit(main())
