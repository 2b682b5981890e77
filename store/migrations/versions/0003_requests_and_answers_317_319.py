"""requests and answers (317, 319)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 15:22:02.544888
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('antwoord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('referentie_aanbieder', sa.String(length=36), nullable=False),
    sa.Column('verzoek_antwoord', sa.String(length=1), nullable=False),
    sa.Column('reden_afwijzing', sa.String(length=2), nullable=True),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('antwoord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_antwoord_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_antwoord_referentie', ['standaard', 'ontvanger', 'referentie_aanbieder'], unique=False)

    op.create_table('wijzigingsverzoek',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('referentie_aanbieder', sa.String(length=36), nullable=False),
    sa.Column('reden_verzoek', sa.String(length=2), nullable=True),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('wijzigingsverzoek', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijzigingsverzoek_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_wijzigingsverzoek_client', ['standaard', 'afzender', 'client'], unique=False)
        batch_op.create_index('ix_wijzigingsverzoek_referentie', ['standaard', 'afzender', 'referentie_aanbieder'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('wijzigingsverzoek', schema=None) as batch_op:
        batch_op.drop_index('ix_wijzigingsverzoek_referentie')
        batch_op.drop_index('ix_wijzigingsverzoek_client')
        batch_op.drop_index(batch_op.f('ix_wijzigingsverzoek_bericht_id'))

    op.drop_table('wijzigingsverzoek')
    with op.batch_alter_table('antwoord', schema=None) as batch_op:
        batch_op.drop_index('ix_antwoord_referentie')
        batch_op.drop_index(batch_op.f('ix_antwoord_bericht_id'))

    op.drop_table('antwoord')
