"""`python app.py [--host H] [--port P]` serves the chat, like `python -m assistant serve`.

The composition root is `assistant/app.py`; this file is only the conventional entry point.
"""

import sys

from assistant.memory import prepare_process

prepare_process()  # before any library starts a thread or a kernel (assistant/memory.py)

from assistant.cli import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main(["serve", *sys.argv[1:]]))
