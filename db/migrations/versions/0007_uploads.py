"""uploads: a learner's own data (issue 17), checked and stored as a normalised folder (D34).

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-02 08:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'uploads',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('public_id', sa.String(length=32), nullable=False),
        sa.Column('learner_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('folder', sa.String(length=512), nullable=False),
        sa.Column('summary', sa.Text(), nullable=False),
        sa.Column('meta', sa.JSON(), nullable=False),
        sa.Column('choices', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['learner_id'], ['learners.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('public_id'),
    )
    op.create_index('ix_uploads_learner_id', 'uploads', ['learner_id'])
    op.create_index('ix_uploads_created_at', 'uploads', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_uploads_created_at', table_name='uploads')
    op.drop_index('ix_uploads_learner_id', table_name='uploads')
    op.drop_table('uploads')
