"""decisions: whether an override applied, the provenance of the declarations and whether the
evidence met the required tier (the compliance page filters and summarises by them), and an
index on a PR's decisions

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('overridden', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('provenance', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('evidence_met', sa.Boolean(), nullable=True))
    op.create_index('ix_decisions_repo_number', 'decisions', ['repo', 'number'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_decisions_repo_number', table_name='decisions')
    with op.batch_alter_table('decisions') as batch:
        batch.drop_column('evidence_met')
        batch.drop_column('provenance')
        batch.drop_column('overridden')
