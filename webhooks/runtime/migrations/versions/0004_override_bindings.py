"""overrides bound to what their giver saw: the comment that granted one (once), the covered
evidence, revocation; the heads a pull request had and when each was first seen

An override recorded before this revision has no coverage: it covers its areas but none of their
lines, so the next push with critical lines suspends it (fail closed), until overridden again.
Its grant is copied to the audit events (`override.granted`), where grants are read from now on.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('overrides') as batch:
        batch.add_column(sa.Column('comment_id', sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column('coverage', sa.Text(), nullable=True))
        batch.add_column(sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('revoked_by', sa.String(length=255), nullable=True))
        batch.create_unique_constraint('uq_overrides_repo_comment', ['repo', 'comment_id'])
    op.create_table(
        'pull_heads',
        sa.Column('repo', sa.String(length=255), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('head_sha', sa.String(length=64), nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('repo', 'number', 'head_sha'),
    )
    conn = op.get_bind()
    granted = conn.execute(sa.text(
        "SELECT id, repo, number, login, reason, head_sha, areas, via, created_at "
        "FROM overrides ORDER BY id")).all()
    for row in granted:
        conn.execute(sa.text(
            "INSERT INTO audit_events (repo, number, head_sha, kind, actor, detail, created_at) "
            "VALUES (:repo, :number, :head_sha, 'override.granted', :actor, :detail, :at)"), {
            "repo": row.repo, "number": row.number, "head_sha": row.head_sha, "actor": row.login,
            "at": row.created_at, "detail": json.dumps({
                "reason": row.reason, "via": row.via, "comment_id": None, "override_id": row.id,
                "areas": json.loads(row.areas)}, sort_keys=True),
        })


def downgrade() -> None:
    op.drop_table('pull_heads')
    with op.batch_alter_table('overrides') as batch:
        batch.drop_constraint('uq_overrides_repo_comment', type_='unique')
        batch.drop_column('revoked_by')
        batch.drop_column('revoked_at')
        batch.drop_column('coverage')
        batch.drop_column('comment_id')
