"""SMS in and out: the message log, opt-outs, and the outbox the send task drains."""

from hotline.messaging import models  # noqa: F401  (the tables, for migrations)
