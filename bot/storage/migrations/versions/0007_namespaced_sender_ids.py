"""Sender ids in their channel's namespace (`bot.identity`): `123` of Telegram becomes `tg:123`,
an openid `wechat:<openid>`, a web chat session `web:<id>`, a REST sender `rest:<sender>`.

Every stored id predates namespaces, so each is prefixed by the namespace of its row's channel;
rows of a channel without a namespace, and unanswered messages of an unknown sender, stay as
they are. Rasa's trackers live in another database: `python -m bot migrate-sender-ids`.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from bot.identity import NAMESPACES

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

#: (table, column holding a sender id, extra condition) rewritten by the row's `channel`.
COLUMNS = (("customers", "sender_id", ""), ("complaints", "conversation_id", ""),
           ("evidence", "sender_id", ""), ("unanswered_messages", "sender_id", " AND sender_id != 'unknown'"))


def _rewrite(to_new: bool) -> None:
    connection = op.get_bind()
    for channel, namespace in NAMESPACES.items():
        prefix = f"{namespace}:"
        for table, column, condition in COLUMNS:
            if to_new:
                statement = f"UPDATE {table} SET {column} = :prefix || {column} WHERE channel = :channel{condition}"
            else:
                statement = (f"UPDATE {table} SET {column} = substr({column}, :start) "
                             f"WHERE channel = :channel AND substr({column}, 1, :length) = :prefix{condition}")
            connection.execute(sa.text(statement), {"prefix": prefix, "channel": channel,
                                                    "start": len(prefix) + 1, "length": len(prefix)})


def upgrade() -> None:
    _rewrite(to_new=True)


def downgrade() -> None:
    _rewrite(to_new=False)
