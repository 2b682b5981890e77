"""``python -m inbox DIR ...``: the same command as ``berichten inbox``."""

import signal

if __name__ == "__main__":
    # As in cli.py: signals wait (pending) until the handler is set, before the heavy imports.
    signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGTERM, signal.SIGINT))
    from berichten import stop

    stop.install()
    from berichten.inbox.commands import inbox

    inbox(prog_name="python -m inbox")
