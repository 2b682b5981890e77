"""regional facts tables

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:53:00.699766
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('regio_aanmelding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('casus', sa.String(length=64), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('opdracht', sa.String(length=64), nullable=False),
    sa.Column('tafel', sa.String(length=128), nullable=False),
    sa.Column('aangeleverd_door', sa.String(length=64), nullable=False),
    sa.Column('akkoord_contractmanager', sa.Date(), nullable=True),
    sa.Column('flex_aanbieder', sa.String(length=8), nullable=False),
    sa.Column('afgewezen_door', sa.String(length=1024), nullable=False),
    sa.Column('toewijzing_nummer', sa.BigInteger(), nullable=True),
    sa.Column('bron', sa.String(length=1024), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('regio_aanmelding', schema=None) as batch_op:
        batch_op.create_index('ix_regio_aanmelding_match', ['client', 'flex_aanbieder'], unique=False)

    op.create_table('regio_acceptatie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('aanbieder', sa.String(length=8), nullable=False),
    sa.Column('product', sa.String(length=5), nullable=False),
    sa.Column('acceptatiedatum', sa.Date(), nullable=False),
    sa.Column('buurtteam', sa.String(length=16), nullable=False),
    sa.Column('casus', sa.String(length=64), nullable=False),
    sa.Column('bron', sa.String(length=1024), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('regio_acceptatie', schema=None) as batch_op:
        batch_op.create_index('ix_regio_acceptatie_match', ['client', 'aanbieder', 'product'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('regio_acceptatie', schema=None) as batch_op:
        batch_op.drop_index('ix_regio_acceptatie_match')

    op.drop_table('regio_acceptatie')
    with op.batch_alter_table('regio_aanmelding', schema=None) as batch_op:
        batch_op.drop_index('ix_regio_aanmelding_match')

    op.drop_table('regio_aanmelding')
