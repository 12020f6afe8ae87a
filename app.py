"""`python app.py [--host H] [--port P]` serves the chat, like `python -m assistant serve`.

The composition root is `assistant/app.py`; this file is only the conventional entry point.
"""

import sys

from assistant.cli import main

if __name__ == "__main__":
    raise SystemExit(main(["serve", *sys.argv[1:]]))
