"""how far the worker process has moved each inbox: the embedded service's web process writes its
acknowledgements into an SQLite file of its own (the inbox, `Store.accept_deliveries`), and the
worker process turns them into deliveries and jobs here, moving this mark in the same transaction

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'inbox_marks',
        sa.Column('inbox', sa.String(length=64), nullable=False),
        sa.Column('moved', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('inbox'),
    )


def downgrade() -> None:
    op.drop_table('inbox_marks')
