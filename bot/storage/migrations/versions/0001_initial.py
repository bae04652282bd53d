"""Initial schema: customers, complaints, daily_sequences, unanswered_messages.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: Union[str, Sequence[str], None] = None
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("unreachable", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("channel", "sender_id", name="uq_customers_channel_sender_id"),
    )
    op.create_table(
        "daily_sequences",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_daily_sequences"),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=20), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("incident_time_text", sa.String(length=255), nullable=True),
        sa.Column("incident_date", sa.Date(), nullable=True),
        sa.Column("order_number", sa.String(length=64), nullable=True),
        sa.Column("product", sa.String(length=255), nullable=True),
        sa.Column("amount", sa.Numeric(12, 2), nullable=True),
        sa.Column("desired_remedy", sa.String(length=32), nullable=True),
        sa.Column("contact_phone", sa.String(length=32), nullable=True),
        sa.Column("script", sa.String(length=16), server_default="simplified", nullable=False),
        sa.Column("anger_level", sa.String(length=16), nullable=True),
        sa.Column("escalation_reasons", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="open", nullable=False),
        sa.Column("first_response_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolution_due", sa.DateTime(timezone=True), nullable=False),
        sa.Column("remedy_due", sa.Date(), nullable=True),
        sa.Column("customer_accepted", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_complaints_customer_id_customers"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaints"),
        sa.UniqueConstraint("public_id", name="uq_complaints_public_id"),
    )
    op.create_index("ix_complaints_customer_id", "complaints", ["customer_id"])
    op.create_index("ix_complaints_conversation_id", "complaints", ["conversation_id"])
    op.create_index("ix_complaints_created_at", "complaints", ["created_at"])


    op.create_table(
        "unanswered_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sender_id", sa.String(length=128), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_unanswered_messages"),
    )
    op.create_index("ix_unanswered_messages_created_at", "unanswered_messages", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_unanswered_messages_created_at", table_name="unanswered_messages")
    op.drop_table("unanswered_messages")
    op.drop_table("complaints")
    op.drop_table("daily_sequences")
    op.drop_table("customers")
