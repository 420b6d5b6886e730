"""result delivery: a result counts as delivered only when the learner's chat showed it.

`shown_at` is set by the widget's acknowledgement (or when the result went to a channel that
keeps its messages, Slack); `push_attempts` and `next_push_at` pace the worker's re-sends with
exponential backoff. Results finished before this revision were taken as delivered when Rasa
accepted them, so they keep that: `shown_at = notified_at`, and no old result is sent again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.add_column(sa.Column('shown_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('push_attempts', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('next_push_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE jobs SET shown_at = notified_at WHERE notified_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('jobs') as batch:
        batch.drop_column('next_push_at')
        batch.drop_column('push_attempts')
        batch.drop_column('shown_at')
