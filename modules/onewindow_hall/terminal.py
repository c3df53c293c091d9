# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import ModelSQL, ModelView, fields
from trytond.pyson import Eval


class Terminal(ModelSQL, ModelView):
    "Self-Service Terminal"
    __name__ = 'onewindow.terminal'
    name = fields.Char("Name", required=True)
    code = fields.Char("Asset Code")
    kind = fields.Selection([
            ('government', "Government Self-Service Terminal"),
            ('family_planning', "Family-Planning Terminal"),
            ('national_tax', "National Tax Terminal"),
            ('local_tax', "Local Tax Terminal"),
            ('human_resources', "Human-Resources Terminal"),
            ('police', "Police Self-Service Terminal"),
            ('pc', "PC"),
            ('document_camera', "Document Camera"),
            ('printer', "Printer"),
            ('usb_upload', "USB Upload Point"),
            ], "Kind", required=True, sort=False)
    hall = fields.Many2One(
        'onewindow.hall', "Hall", required=True, ondelete='CASCADE')
    zone = fields.Many2One(
        'onewindow.zone', "Zone", required=True, ondelete='RESTRICT',
        domain=[('hall', '=', Eval('hall', -1))])
    department = fields.Many2One(
        'onewindow.department', "Owner Department", ondelete='RESTRICT',
        help="The department that owns and maintains the terminal; "
        "empty for the center's own.")
    state = fields.Selection([
            ('in_service', "In Service"),
            ('out_of_order', "Out of Order"),
            ('retired', "Retired"),
            ], "State", required=True, sort=False)

    @staticmethod
    def default_state():
        return 'in_service'
