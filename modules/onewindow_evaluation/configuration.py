# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, Id

from .evaluation import LEVELS


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Rating Configuration"
    __name__ = 'onewindow.evaluation.configuration'
    link_validity = fields.Integer("Link Validity", required=True,
        domain=[('link_validity', '>', 0), ('link_validity', '<=', 365)],
        help="The days a rating link (QR code, SMS) can be used, and the "
        "days after the service in which the applicant may rate it from "
        "the portal.")
    rectification_limit = fields.Integer("Rectification Time Limit",
        required=True, domain=[('rectification_limit', '>', 0),
            ('rectification_limit', '<=', 60)],
        help="The working days to rectify a bad rating (15 by GB/T "
        "39735-2020; some provinces use 5 or 7).")
    complaint_limit = fields.Integer("Complaint Time Limit", required=True,
        domain=[('complaint_limit', '>', 0), ('complaint_limit', '<=', 60)],
        help="The working days to answer a complaint.")
    default_days = fields.Integer("Default Level After",
        domain=['OR',
            ('default_days', '=', None),
            [('default_days', '>', 0), ('default_days', '<=', 365)],
            ],
        help="The days after which a service not rated gets the default "
        "level; empty: never.  A default level is marked as such and never "
        "counted as the applicant's own voice.")
    default_level = fields.Selection(LEVELS, "Default Level", sort=False,
        states={
            'required': Eval('default_days', 0) > 0,
            'invisible': ~Eval('default_days'),
            })
    portal_url = fields.Char("Portal Address", size=200,
        help="The address of the portal in the rating links sent by text "
        "message (https://...).")
    complaint_sequence = fields.Many2One('ir.sequence',
        "Complaint Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Id('onewindow_evaluation', 'sequence_type_complaint')),
            ])

    @classmethod
    def default_link_validity(cls):
        return 30

    @classmethod
    def default_rectification_limit(cls):
        return 15

    @classmethod
    def default_complaint_limit(cls):
        return 10

    @classmethod
    def default_default_level(cls):
        return 'satisfied'

    @classmethod
    def default_complaint_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id(
                'onewindow_evaluation', 'sequence_complaint')
        except KeyError:
            return None
