# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import Index
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .search import union_domain

# The identifiers that are personal data: resident ID numbers (居民身份证)
PERSONAL_IDENTIFIERS = {'cn_ric'}


def mask_identifier(code):
    "Return code with all but its first and last four characters hidden"
    if code and len(code) > 8:
        return code[:4] + '*' * (len(code) - 8) + code[-4:]
    return code


def identifiers_readable():
    """Return True if the current user reads the identifier codes in full

    The field access of party.identifier's code says who does: the window
    clerks and team leaders, who register the applicants, and the party
    administrators."""
    pool = Pool()
    FieldAccess = pool.get('ir.model.field.access')
    if not Transaction().user:
        return True
    access = FieldAccess.get_access(['party.identifier'])['party.identifier']
    return bool(access.get('code', {}).get('read', True))


def hide_personal_codes(domain):
    """Return domain with its clauses on the identifier codes restricted to
    the identifiers that are not personal data, so that a search cannot be
    used to test a resident ID number the user may not read"""
    if isinstance(domain, (list, tuple)) and domain and isinstance(
            domain[0], str) and domain[0] not in {'AND', 'OR'}:
        path = domain[0]
        if path == 'identifiers.code' or path.endswith('.identifiers.code'):
            return (path[:-len('.code')], 'where', [
                    ('type', 'not in', list(PERSONAL_IDENTIFIERS)),
                    ('code',) + tuple(domain[1:]),
                    ])
        return domain
    if isinstance(domain, list):
        return [hide_personal_codes(d) for d in domain]
    return domain


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        if not identifiers_readable():
            domain = hide_personal_codes(domain)
        if domain and domain[0] == 'OR':
            # The name, the code, the identifiers and the contacts each from
            # its index
            domain = union_domain(cls, domain)
        return domain


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The searches by ID: with pg_trgm the similarity index of the code
        # is a trigram index, which reads an equality of digits slowly
        cls._sql_indexes.add(Index(t, (t.code, Index.Range())))

    def get_rec_name(self, name):
        rec_name = super().get_rec_name(name)
        if (self.type in PERSONAL_IDENTIFIERS
                and not identifiers_readable()):
            rec_name = mask_identifier(rec_name)
        return rec_name

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        if not identifiers_readable():
            domain = [
                ('type', 'not in', list(PERSONAL_IDENTIFIERS)),
                domain,
                ]
        return domain
