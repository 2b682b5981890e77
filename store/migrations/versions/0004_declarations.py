"""declarations 323 and 325

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 05:29:31.113728
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('declaratie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('identificatie', sa.String(length=64), nullable=False),
    sa.Column('declaratie_nummer', sa.String(length=12), nullable=False),
    sa.Column('periode_begin', sa.Date(), nullable=False),
    sa.Column('periode_eind', sa.Date(), nullable=False),
    sa.Column('totaal_bedrag', sa.BigInteger(), nullable=False),
    sa.Column('debet_credit', sa.String(length=1), nullable=False),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('declaratie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaratie_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_declaratie_identificatie', ['standaard', 'afzender', 'ontvanger', 'identificatie'], unique=False)
        batch_op.create_index('ix_declaratie_nummer', ['declaratie_nummer', 'afzender', 'standaard'], unique=False)

    op.create_table('declaratie_antwoord',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('declaratie_identificatie', sa.String(length=64), nullable=False),
    sa.Column('declaratie_nummer', sa.String(length=12), nullable=True),
    sa.Column('klasse', sa.String(length=32), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=True),
    sa.Column('referentie_nummer', sa.String(length=36), nullable=True),
    sa.Column('retourcodes', sa.String(length=256), nullable=False),
    sa.Column('goedgekeurd', sa.Boolean(), nullable=False),
    sa.Column('toegekend_bedrag', sa.BigInteger(), nullable=True),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('declaratie_antwoord', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaratie_antwoord_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_declaratie_antwoord_declaratie', ['standaard', 'ontvanger', 'afzender', 'declaratie_identificatie'], unique=False)
        batch_op.create_index('ix_declaratie_antwoord_referentie', ['bericht_id', 'referentie_nummer'], unique=False)

    op.create_table('prestatie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('identificatie', sa.String(length=64), nullable=False),
    sa.Column('declaratie_nummer', sa.String(length=12), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('referentie_nummer', sa.String(length=36), nullable=False),
    sa.Column('vorig_referentie_nummer', sa.String(length=36), nullable=True),
    sa.Column('toewijzing_nummer', sa.BigInteger(), nullable=True),
    sa.Column('categorie', sa.String(length=2), nullable=True),
    sa.Column('code', sa.String(length=5), nullable=True),
    sa.Column('begindatum', sa.Date(), nullable=False),
    sa.Column('einddatum', sa.Date(), nullable=False),
    sa.Column('volume', sa.BigInteger(), nullable=False),
    sa.Column('eenheid', sa.String(length=2), nullable=False),
    sa.Column('tarief', sa.BigInteger(), nullable=True),
    sa.Column('bedrag', sa.BigInteger(), nullable=False),
    sa.Column('debet_credit', sa.String(length=1), nullable=False),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('prestatie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prestatie_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_prestatie_declaratie', ['standaard', 'afzender', 'ontvanger', 'identificatie'], unique=False)
        batch_op.create_index('ix_prestatie_periode', ['standaard', 'ontvanger', 'afzender', 'begindatum'], unique=False)
        batch_op.create_index('ix_prestatie_referentie', ['referentie_nummer', 'afzender', 'standaard'], unique=False)
        batch_op.create_index('ix_prestatie_toewijzing', ['toewijzing_nummer', 'ontvanger', 'standaard'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('prestatie', schema=None) as batch_op:
        batch_op.drop_index('ix_prestatie_toewijzing')
        batch_op.drop_index('ix_prestatie_referentie')
        batch_op.drop_index('ix_prestatie_periode')
        batch_op.drop_index('ix_prestatie_declaratie')
        batch_op.drop_index(batch_op.f('ix_prestatie_bericht_id'))

    op.drop_table('prestatie')
    with op.batch_alter_table('declaratie_antwoord', schema=None) as batch_op:
        batch_op.drop_index('ix_declaratie_antwoord_referentie')
        batch_op.drop_index('ix_declaratie_antwoord_declaratie')
        batch_op.drop_index(batch_op.f('ix_declaratie_antwoord_bericht_id'))

    op.drop_table('declaratie_antwoord')
    with op.batch_alter_table('declaratie', schema=None) as batch_op:
        batch_op.drop_index('ix_declaratie_nummer')
        batch_op.drop_index('ix_declaratie_identificatie')
        batch_op.drop_index(batch_op.f('ix_declaratie_bericht_id'))

    op.drop_table('declaratie')
