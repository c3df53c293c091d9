# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import re

from trytond.i18n import gettext
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool
from trytond.pyson import Eval, Id

from .exceptions import FileError

# How the files of each type begin: a file whose content does not match its
# extension is refused as well
FILE_SIGNATURES = {
    'pdf': (b'%PDF-',),
    'ofd': (b'PK\x03\x04',),
    'jpg': (b'\xff\xd8\xff',),
    'jpeg': (b'\xff\xd8\xff',),
    'png': (b'\x89PNG\r\n\x1a\n',),
    'tif': (b'II*\x00', b'MM\x00*'),
    'tiff': (b'II*\x00', b'MM\x00*'),
    }


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
        required=True, domain=[('supplement_limit', '>=', 0),
            ('supplement_limit', '<=', 60)],
        help="The working days the applicant has to bring what a one-time "
        "notice asks for.")
    file_size_limit = fields.Integer("File Size Limit", required=True,
        domain=[('file_size_limit', '>', 0),
            ('file_size_limit', '<=', 1024)],
        help="The largest scanned material, result or document accepted on "
        "a case, in megabytes.")
    file_types = fields.Char("Allowed File Types", required=True, size=200,
        help="The extensions of the files accepted on a case (scanned "
        "materials, results, documents), separated by spaces, e.g. "
        "\"pdf ofd jpg png\".  The content of a PDF, OFD, JPEG, PNG or TIFF "
        "file must match its extension.")

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

    @classmethod
    def default_file_size_limit(cls):
        return 20

    @classmethod
    def default_file_types(cls):
        return 'pdf ofd jpg jpeg png tif tiff'

    def get_file_types(self):
        "Return the allowed extensions, lower case and without dots"
        return [t.lstrip('.').lower()
            for t in re.split(r'[\s,;]+', self.file_types or '') if t]

    def check_file(self, data, filename, record, field):
        """Raise FileError if the file (data named filename) of the field of
        the record is too large or of a type not allowed

        record and field are the names the error shows, or functions that
        return them, called for the error only (the name of a record and the
        translated label of a field cost queries)"""
        if not data:
            return
        size = len(data)
        if size > self.file_size_limit * 1024 * 1024:
            raise FileError(gettext(
                    'onewindow_approval.msg_file_too_large',
                    file=filename or '', field=_name(field),
                    record=_name(record),
                    size='%.1f' % (size / 1024 / 1024),
                    limit=self.file_size_limit))
        types = self.get_file_types()
        if filename and '.' in filename:
            extension = filename.rsplit('.', 1)[1].lower()
            allowed = (extension in types and data.startswith(
                    FILE_SIGNATURES.get(extension, (b'',))))
        else:
            # Without a name, the content must be of a known allowed type
            allowed = any(data.startswith(FILE_SIGNATURES[t])
                for t in types if t in FILE_SIGNATURES)
        if not allowed:
            raise FileError(gettext(
                    'onewindow_approval.msg_file_type',
                    file=filename or '', field=_name(field),
                    record=_name(record),
                    types=', '.join(types)))


def _name(value):
    "Return the name, or the name the function returns"
    return value() if callable(value) else value


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
