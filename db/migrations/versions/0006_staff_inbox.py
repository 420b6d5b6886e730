"""staff inbox: what staff did with unanswered questions, handoffs to a person and their threads,
messages staff send into learners' chats, and when staff were last on the staff page.

Revision ID: 0006
Revises: 0007
Create Date: 2026-12-02 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'question_resolutions',
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('resolution', sa.Enum('dismissed', 'phrasing', 'answered', name='question_resolution',
                                        native_enum=False, length=16), nullable=False),
        sa.Column('entry_id', sa.String(length=128), nullable=True),
        sa.Column('staff', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['question_id'], ['unanswered_questions.id']),
        sa.PrimaryKeyConstraint('question_id'))
    op.create_table(
        'handoffs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=True),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('status', sa.Enum('open', 'closed', name='handoff_status', native_enum=False, length=16),
                  nullable=False),
        sa.Column('transcript', sa.JSON(), nullable=False),
        sa.Column('staff_available', sa.Boolean(), nullable=False),
        sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['learner_id'], ['learners.id']),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('handoffs') as batch:
        batch.create_index(batch.f('ix_handoffs_learner_id'), ['learner_id'], unique=False)
        batch.create_index(batch.f('ix_handoffs_conversation_id'), ['conversation_id'], unique=False)
        batch.create_index(batch.f('ix_handoffs_status'), ['status'], unique=False)
        batch.create_index(batch.f('ix_handoffs_created_at'), ['created_at'], unique=False)
    op.create_table(
        'handoff_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('handoff_id', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=64), nullable=False),
        sa.Column('from_staff', sa.Boolean(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id']),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('handoff_messages') as batch:
        batch.create_index(batch.f('ix_handoff_messages_handoff_id'), ['handoff_id'], unique=False)
    op.create_table(
        'staff_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=True),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('question', sa.Text(), nullable=True),
        sa.Column('handoff_id', sa.Integer(), nullable=True),
        sa.Column('staff', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('shown_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['handoff_id'], ['handoffs.id']),
        sa.ForeignKeyConstraint(['learner_id'], ['learners.id']),
        sa.PrimaryKeyConstraint('id'))
    with op.batch_alter_table('staff_messages') as batch:
        batch.create_index(batch.f('ix_staff_messages_learner_id'), ['learner_id'], unique=False)
    op.create_table(
        'staff_presence',
        sa.Column('staff', sa.String(length=64), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('staff'))


def downgrade() -> None:
    op.drop_table('staff_presence')
    with op.batch_alter_table('staff_messages') as batch:
        batch.drop_index(batch.f('ix_staff_messages_learner_id'))
    op.drop_table('staff_messages')
    with op.batch_alter_table('handoff_messages') as batch:
        batch.drop_index(batch.f('ix_handoff_messages_handoff_id'))
    op.drop_table('handoff_messages')
    with op.batch_alter_table('handoffs') as batch:
        for name in ('created_at', 'status', 'conversation_id', 'learner_id'):
            batch.drop_index(batch.f(f'ix_handoffs_{name}'))
    op.drop_table('handoffs')
    op.drop_table('question_resolutions')
