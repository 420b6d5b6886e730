"""lesson progress: where each learner is in each lesson, every quiz attempt, and a public id
per learner (for their progress chart URL); existing learners get one each.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 22:29:13.432574
"""

import uuid

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('quiz_attempts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=64), nullable=False),
    sa.Column('step_id', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('correct', sa.Boolean(), nullable=False),
    sa.Column('try_number', sa.Integer(), nullable=False),
    sa.Column('hints_used', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_attempts_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_quiz_attempts_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('lesson_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('lesson_id', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('active', 'paused', 'quit', 'completed', name='lesson_status', native_enum=False, length=16), nullable=False),
    sa.Column('step_id', sa.String(length=64), nullable=True),
    sa.Column('position', sa.JSON(), nullable=False),
    sa.Column('conversation_id', sa.String(length=255), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('learner_id', 'lesson_id', name='uq_lesson_progress')
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_progress_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_progress_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lesson_progress_status'), ['status'], unique=False)

    # Add the column empty, give every existing learner an id, then require it.
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_id', sa.String(length=32), nullable=True))
    learners = sa.table('learners', sa.column('id', sa.Integer), sa.column('public_id', sa.String))
    connection = op.get_bind()
    for (learner_id,) in connection.execute(sa.select(learners.c.id)).all():
        connection.execute(learners.update().where(learners.c.id == learner_id)
                           .values(public_id=uuid.uuid4().hex))
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.alter_column('public_id', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint('uq_learners_public_id', ['public_id'])



def downgrade() -> None:
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.drop_constraint('uq_learners_public_id', type_='unique')
        batch_op.drop_column('public_id')

    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_progress_status'))
        batch_op.drop_index(batch_op.f('ix_lesson_progress_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_lesson_progress_learner_id'))

    op.drop_table('lesson_progress')
    with op.batch_alter_table('quiz_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_learner_id'))
        batch_op.drop_index(batch_op.f('ix_quiz_attempts_created_at'))

    op.drop_table('quiz_attempts')
