"""A case without a complaint ("转人工" before any problem was told): `handoff_cases` keeps its
customer, conversation and script itself, and its complaint reference may be empty

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('conversation_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('script', sa.String(length=16), server_default='simplified', nullable=False))
    cases = sa.table('handoff_cases', sa.column('complaint_id'), sa.column('customer_id'),
                     sa.column('conversation_id'), sa.column('script'))
    complaints = sa.table('complaints', sa.column('id'), sa.column('customer_id'),
                          sa.column('conversation_id'), sa.column('script'))
    of_case = complaints.c.id == cases.c.complaint_id
    op.execute(cases.update().values(
        customer_id=sa.select(complaints.c.customer_id).where(of_case).scalar_subquery(),
        conversation_id=sa.select(complaints.c.conversation_id).where(of_case).scalar_subquery(),
        script=sa.select(complaints.c.script).where(of_case).scalar_subquery()))
    with op.batch_alter_table('handoff_cases', schema=None) as batch_op:
        batch_op.alter_column('customer_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('conversation_id', existing_type=sa.String(length=255), nullable=False)
        batch_op.alter_column('complaint_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_handoff_cases_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_cases_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_handoff_cases_customer_id_customers'), 'customers',
                                    ['customer_id'], ['id'])


def downgrade() -> None:
    """Back to cases that always have a complaint: the cases opened without one are removed, with
    their notes and audit trail."""
    for table in ('case_notes', 'case_events'):
        op.execute(f"DELETE FROM {table} WHERE case_id IN (SELECT id FROM handoff_cases WHERE complaint_id IS NULL)")
    op.execute("DELETE FROM handoff_cases WHERE complaint_id IS NULL")
    with op.batch_alter_table('handoff_cases', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_handoff_cases_customer_id_customers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_handoff_cases_conversation_id'))
        batch_op.drop_index(batch_op.f('ix_handoff_cases_customer_id'))
        batch_op.alter_column('complaint_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('script')
        batch_op.drop_column('conversation_id')
        batch_op.drop_column('customer_id')
