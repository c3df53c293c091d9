# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Case Configuration"
    __name__ = 'onewindow.case.configuration'
    case_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Case Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=',
                    Id('onewindow_approval', 'sequence_type_case')),
                ],
            help="Numbers the accepted cases; the case number is the hall "
            "code followed by this number (use ${year} in the prefix)."))
    handover_sequence = fields.MultiValue(fields.Many2One(
            'ir.sequence', "Hand-Over Sequence", required=True,
            domain=[
                ('company', 'in',
                    [Eval('context', {}).get('company', -1), None]),
                ('sequence_type', '=',
                    Id('onewindow_approval', 'sequence_type_handover')),
                ],
            help="Numbers the hand-over slips; the number is the hall code "
            "followed by this number."))
    supplement_limit = fields.Integer("Supplement Time Limit",
        required=True, domain=[('supplement_limit', '>=', 0)],
        help="The working days the applicant has to bring what a one-time "
        "notice asks for.")

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field in {'case_sequence', 'handover_sequence'}:
            return pool.get('onewindow.case.configuration.sequence')
        return super().multivalue_model(field)

    @classmethod
    def default_case_sequence(cls, **pattern):
        return cls.multivalue_model(
            'case_sequence').default_case_sequence()

    @classmethod
    def default_handover_sequence(cls, **pattern):
        return cls.multivalue_model(
            'handover_sequence').default_handover_sequence()

    @classmethod
    def default_supplement_limit(cls):
        return 5


class ConfigurationSequence(ModelSQL, CompanyValueMixin):
    "Case Configuration Sequence"
    __name__ = 'onewindow.case.configuration.sequence'
    case_sequence = fields.Many2One(
        'ir.sequence', "Case Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=',
                Id('onewindow_approval', 'sequence_type_case')),
            ])
    handover_sequence = fields.Many2One(
        'ir.sequence', "Hand-Over Sequence", required=True,
        domain=[
            ('company', 'in', [Eval('company', -1), None]),
            ('sequence_type', '=',
                Id('onewindow_approval', 'sequence_type_handover')),
            ])

    @classmethod
    def default_case_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('onewindow_approval', 'sequence_case')
        except KeyError:
            return None

    @classmethod
    def default_handover_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id(
                'onewindow_approval', 'sequence_handover')
        except KeyError:
            return None
