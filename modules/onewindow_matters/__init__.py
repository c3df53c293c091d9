# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool

from . import authorization, catalog, delegation, knowledge, matter

__all__ = ['register']


def register():
    Pool.register(
        matter.Matter,
        matter.MatterCoDepartment,
        matter.MatterStep,
        matter.MatterMaterial,
        matter.MatterFormField,
        matter.MatterAdjustment,
        matter.MatterAdjustStart,
        delegation.Delegation,
        delegation.DelegationMatter,
        authorization.Authorization,
        authorization.AuthorizationMatter,
        knowledge.Knowledge,
        knowledge.KnowledgeMatter,
        catalog.CatalogImportStart,
        catalog.CatalogExportResult,
        module='onewindow_matters', type_='model')
    Pool.register(
        matter.MatterAdjust,
        catalog.CatalogImport,
        catalog.CatalogExport,
        module='onewindow_matters', type_='wizard')
    Pool.register(
        matter.MatterGuide,
        module='onewindow_matters', type_='report')
