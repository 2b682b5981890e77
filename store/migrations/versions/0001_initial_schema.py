"""Initial schema: bericht and the derived tables toewijzing, start, stop, verzoek, retour.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 12:26:02.912880
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bericht',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=True),
    sa.Column('release', sa.String(length=8), nullable=True),
    sa.Column('nummer', sa.String(length=3), nullable=True),
    sa.Column('berichtcode', sa.String(length=64), nullable=True),
    sa.Column('afzender', sa.String(length=64), nullable=True),
    sa.Column('ontvanger', sa.String(length=64), nullable=True),
    sa.Column('identificatie', sa.String(length=64), nullable=True),
    sa.Column('dagtekening', sa.Date(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('source', sa.String(length=1024), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('niveau1', sa.Boolean(), nullable=True),
    sa.Column('niveau2', sa.Boolean(), nullable=True),
    sa.Column('niveau3', sa.Boolean(), nullable=True),
    sa.Column('niveau4', sa.Boolean(), nullable=True),
    sa.Column('findings', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sha256')
    )
    with op.batch_alter_table('bericht', schema=None) as batch_op:
        batch_op.create_index('ix_bericht_identificatie', ['identificatie', 'afzender', 'berichtcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_bericht_status'), ['status'], unique=False)

    op.create_table('retour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('heen_berichtcode', sa.String(length=3), nullable=True),
    sa.Column('heen_identificatie', sa.String(length=64), nullable=True),
    sa.Column('identificatie_retour', sa.String(length=64), nullable=True),
    sa.Column('klasse', sa.String(length=64), nullable=False),
    sa.Column('locatie', sa.String(length=256), nullable=False),
    sa.Column('retourcodes', sa.String(length=256), nullable=False),
    sa.Column('toewijzing_nummer', sa.BigInteger(), nullable=True),
    sa.Column('referentie_aanbieder', sa.String(length=36), nullable=True),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('retour', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retour_bericht_id'), ['bericht_id'], unique=False)

    op.create_table('start',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('toewijzing_nummer', sa.BigInteger(), nullable=True),
    sa.Column('categorie', sa.String(length=2), nullable=True),
    sa.Column('code', sa.String(length=5), nullable=True),
    sa.Column('toewijzing_ingangsdatum', sa.Date(), nullable=True),
    sa.Column('begindatum', sa.Date(), nullable=False),
    sa.Column('status_aanlevering', sa.String(length=1), nullable=False),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('start', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_start_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_start_key', ['standaard', 'afzender', 'ontvanger', 'client', 'toewijzing_nummer'], unique=False)

    op.create_table('stop',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('toewijzing_nummer', sa.BigInteger(), nullable=True),
    sa.Column('categorie', sa.String(length=2), nullable=True),
    sa.Column('code', sa.String(length=5), nullable=True),
    sa.Column('toewijzing_ingangsdatum', sa.Date(), nullable=True),
    sa.Column('begindatum', sa.Date(), nullable=False),
    sa.Column('status_aanlevering', sa.String(length=1), nullable=False),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('reden_beeindiging', sa.String(length=2), nullable=False),
    sa.Column('einddatum', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stop', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stop_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_stop_key', ['standaard', 'afzender', 'ontvanger', 'client', 'toewijzing_nummer'], unique=False)

    op.create_table('toewijzing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('toewijzing_nummer', sa.BigInteger(), nullable=False),
    sa.Column('referentie_aanbieder', sa.String(length=36), nullable=True),
    sa.Column('categorie', sa.String(length=2), nullable=True),
    sa.Column('code', sa.String(length=5), nullable=True),
    sa.Column('toewijzingsdatum', sa.Date(), nullable=False),
    sa.Column('toewijzingstijd', sa.Time(), nullable=False),
    sa.Column('ingangsdatum', sa.Date(), nullable=False),
    sa.Column('einddatum', sa.Date(), nullable=True),
    sa.Column('reden_wijziging', sa.String(length=2), nullable=True),
    sa.Column('volume', sa.BigInteger(), nullable=True),
    sa.Column('eenheid', sa.String(length=2), nullable=True),
    sa.Column('frequentie', sa.String(length=1), nullable=True),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('toewijzing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_toewijzing_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_toewijzing_key', ['toewijzing_nummer', 'afzender', 'standaard'], unique=False)
        batch_op.create_index('ix_toewijzing_ontvanger_client', ['standaard', 'ontvanger', 'client'], unique=False)

    op.create_table('verzoek',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bericht_id', sa.Integer(), nullable=False),
    sa.Column('standaard', sa.String(length=8), nullable=False),
    sa.Column('afzender', sa.String(length=16), nullable=False),
    sa.Column('ontvanger', sa.String(length=16), nullable=False),
    sa.Column('client', sa.String(length=64), nullable=False),
    sa.Column('referentie_aanbieder', sa.String(length=36), nullable=False),
    sa.Column('beschikking_nummer', sa.BigInteger(), nullable=True),
    sa.Column('categorie', sa.String(length=2), nullable=True),
    sa.Column('code', sa.String(length=5), nullable=True),
    sa.Column('toewijzing_ingangsdatum', sa.Date(), nullable=False),
    sa.Column('toewijzing_einddatum', sa.Date(), nullable=True),
    sa.Column('volume', sa.BigInteger(), nullable=True),
    sa.Column('eenheid', sa.String(length=2), nullable=True),
    sa.Column('frequentie', sa.String(length=1), nullable=True),
    sa.Column('budget', sa.BigInteger(), nullable=True),
    sa.Column('verwijzer_type', sa.String(length=2), nullable=True),
    sa.Column('dagtekening', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['bericht_id'], ['bericht.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('verzoek', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verzoek_bericht_id'), ['bericht_id'], unique=False)
        batch_op.create_index('ix_verzoek_client', ['standaard', 'afzender', 'client'], unique=False)
        batch_op.create_index('ix_verzoek_referentie', ['standaard', 'afzender', 'referentie_aanbieder'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('verzoek', schema=None) as batch_op:
        batch_op.drop_index('ix_verzoek_referentie')
        batch_op.drop_index('ix_verzoek_client')
        batch_op.drop_index(batch_op.f('ix_verzoek_bericht_id'))

    op.drop_table('verzoek')
    with op.batch_alter_table('toewijzing', schema=None) as batch_op:
        batch_op.drop_index('ix_toewijzing_ontvanger_client')
        batch_op.drop_index('ix_toewijzing_key')
        batch_op.drop_index(batch_op.f('ix_toewijzing_bericht_id'))

    op.drop_table('toewijzing')
    with op.batch_alter_table('stop', schema=None) as batch_op:
        batch_op.drop_index('ix_stop_key')
        batch_op.drop_index(batch_op.f('ix_stop_bericht_id'))

    op.drop_table('stop')
    with op.batch_alter_table('start', schema=None) as batch_op:
        batch_op.drop_index('ix_start_key')
        batch_op.drop_index(batch_op.f('ix_start_bericht_id'))

    op.drop_table('start')
    with op.batch_alter_table('retour', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retour_bericht_id'))

    op.drop_table('retour')
    with op.batch_alter_table('bericht', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bericht_status'))
        batch_op.drop_index('ix_bericht_identificatie')

    op.drop_table('bericht')
