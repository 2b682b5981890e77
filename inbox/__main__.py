"""``python -m inbox DIR ...``: the same command as ``berichten inbox``."""

from inbox.commands import inbox

if __name__ == "__main__":
    inbox(prog_name="python -m inbox")
