# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import hashlib
import hmac
import re
import secrets
import time

from sql import Literal
from sql.aggregate import Count
from stdnum.cn import ric

from trytond.config import config
from trytond.exceptions import RateLimitException
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.res.user import LoginAttempt
from trytond.transaction import Transaction

MOBILE_PATTERN = re.compile(r'^1[3-9][0-9]{9}$')
CODE_LENGTH = 6
CODE_VALIDITY = dt.timedelta(minutes=5)
CODE_TRIES = 5


def normalize_mobile(mobile):
    mobile = re.sub(r'[\s-]', '', mobile or '')
    if mobile.startswith('+86'):
        mobile = mobile[3:]
    return mobile


class User(metaclass=PoolMeta):
    __name__ = 'web.user'
    mobile = fields.Char("Mobile", size=20,
        help="The mobile number the applicant logs in with.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # An applicant logs in with his mobile number: the e-mail is
        # optional
        cls.email.states = {}
        cls._sql_indexes.add(Index(t, (t.mobile, Index.Equality())))

    @classmethod
    def create(cls, vlist):
        # An account without e-mail has none, not an empty one that the
        # uniqueness of the e-mails would refuse twice
        vlist = [dict(v, email=v.get('email') or None) for v in vlist]
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        args = list(args)
        for i in range(1, len(args), 2):
            if 'email' in args[i] and not args[i]['email']:
                args[i] = dict(args[i], email=None)
        super().write(*args)

    @classmethod
    def _format_email(cls, users):
        super()._format_email([u for u in users if u.email])

    @classmethod
    def validate_fields(cls, users, field_names):
        super().validate_fields(users, field_names)
        if field_names and 'mobile' not in field_names:
            return
        for user in users:
            if user.mobile and not MOBILE_PATTERN.match(user.mobile):
                raise ValidationError(gettext(
                        'onewindow_portal.msg_web_user_mobile_invalid',
                        mobile=user.mobile))
            if user.mobile and user.active and cls.search([
                        ('mobile', '=', user.mobile),
                        ('id', '!=', user.id),
                        ], limit=1):
                raise ValidationError(gettext(
                        'onewindow_portal.msg_web_user_mobile_unique',
                        mobile=user.mobile))

    @classmethod
    def authenticate_mobile(cls, mobile, password):
        """Return the user of the mobile number and password, with
        web_user's throttling: the failures are counted per number and per
        address, and each one delays the answer"""
        pool = Pool()
        Attempt = pool.get('web.user.authenticate.attempt')
        mobile = normalize_mobile(mobile)
        login = 'mobile:' + mobile
        if Attempt.count_ip() > config.getint(
                'session', 'max_attempt_ip_network', default=300):
            raise RateLimitException()
        count = Attempt.count(login)
        if count > config.getint('session', 'max_attempt', default=5):
            Attempt.add(login)
            raise RateLimitException()
        Transaction().atexit(time.sleep, min(2 ** count - 1, config.getint(
                    'portal', 'max_login_delay', default=30)))
        users = cls.search([
                ('mobile', '=', mobile),
                ('active', '=', True),
                ], limit=1)
        if users:
            user, = users
            valid, new_hash = cls.check_password(
                password, user.password_hash)
            if valid:
                if new_hash:
                    cls.write([user], {'password_hash': new_hash})
                Attempt.remove(login)
                return user
        else:
            # The same work for an unknown number
            cls.check_password(password, cls.hash_password('x' * 12))
        Attempt.add(login)

    @classmethod
    def identified(cls, claim_type, value, name=None):
        """Return the account of the applicant whom the identity
        authentication verified by his resident ID ('resident_id') or his
        mobile number ('mobile'), creating it (and the party of a new
        resident ID, with the verified name) when there is none; None when
        the value cannot be bound or its account is deactivated"""
        pool = Pool()
        Party = pool.get('party.party')
        Identifier = pool.get('party.identifier')
        value = (value or '').strip()
        if claim_type == 'mobile':
            mobile = normalize_mobile(value)
            if not MOBILE_PATTERN.match(mobile):
                return None
            users = cls.search([
                    ('mobile', '=', mobile),
                    ('active', 'in', [True, False]),
                    ], order=[('active', 'DESC'), ('id', 'ASC')], limit=1)
            if users:
                return users[0] if users[0].active else None
            user, = cls.create([{'mobile': mobile, 'email': None}])
            return user
        code = value.upper()
        if claim_type != 'resident_id' or not ric.is_valid(code):
            return None
        code = ric.compact(code)
        identifiers = Identifier.search([
                ('type', '=', 'cn_ric'), ('code', '=', code)], limit=1)
        if identifiers:
            party = identifiers[0].party
            users = cls.search([
                    ('party', '=', party.id),
                    ('active', 'in', [True, False]),
                    ], order=[('active', 'DESC'), ('id', 'ASC')], limit=1)
            if users:
                return users[0] if users[0].active else None
        else:
            name = (name or '').strip()[:100]
            if not name:
                return None
            party = Party(name=name, identifiers=[
                    Identifier(type='cn_ric', code=code)])
            party.save()
        user, = cls.create([{'party': party.id, 'email': None}])
        return user

    def get_parties(self):
        """Return the ids of the parties the account acts for: its own and
        those of the valid authorizations recorded by the center"""
        pool = Pool()
        Authorization = pool.get('onewindow.portal.authorization')
        parties = set()
        if self.party:
            parties.add(self.party.id)
        parties |= Authorization.companies(self)
        return parties


class VerificationCode(ModelSQL):
    """Verification Code

    A code sent by text message to prove a mobile number (registration,
    password reset): 6 digits, valid 5 minutes, 5 tries; only its hash is
    stored."""
    __name__ = 'onewindow.portal.verification'
    mobile = fields.Char("Mobile", required=True, size=20)
    purpose = fields.Selection([
            ('register', "Registration"),
            ('reset', "Password Reset"),
            ], "Purpose", required=True)
    code_hash = fields.Char("Code Hash", required=True, strip=False)
    expire = fields.Timestamp("Expires", required=True)
    tries = fields.Integer("Tries", required=True)
    used = fields.Boolean("Used")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__rpc__ = {}
        cls._sql_indexes.add(
            Index(t, (t.mobile, Index.Equality()),
                (t.purpose, Index.Equality())))

    @classmethod
    def _hash(cls, mobile, code, salt):
        return hashlib.sha256(
            ('%s:%s:%s' % (salt, mobile, code)).encode()).hexdigest()

    @classmethod
    def issue(cls, mobile, purpose):
        """Create a new code for the mobile number and return it; the codes
        issued before are voided"""
        mobile = normalize_mobile(mobile)
        old = cls.search([
                ('mobile', '=', mobile), ('purpose', '=', purpose),
                ('used', '=', False)])
        if old:
            cls.write(old, {'used': True})
        code = ''.join(secrets.choice('0123456789')
            for _ in range(CODE_LENGTH))
        salt = secrets.token_hex(8)
        cls.create([{
                    'mobile': mobile,
                    'purpose': purpose,
                    'code_hash': '%s$%s' % (
                        salt, cls._hash(mobile, code, salt)),
                    'expire': dt.datetime.now() + CODE_VALIDITY,
                    'tries': 0,
                    'used': False,
                    }])
        return code

    @classmethod
    def verify(cls, mobile, purpose, code):
        """Return True and use the code if it is the one last sent, not
        expired and tried less than 5 times"""
        mobile = normalize_mobile(mobile)
        records = cls.search([
                ('mobile', '=', mobile), ('purpose', '=', purpose),
                ('used', '=', False)],
            order=[('id', 'DESC')], limit=1)
        if not records:
            return False
        record, = records
        if record.expire < dt.datetime.now() or record.tries >= CODE_TRIES:
            return False
        salt, hash_ = record.code_hash.split('$', 1)
        valid = hmac.compare_digest(
            cls._hash(mobile, (code or '').strip(), salt), hash_)
        record.tries += 1
        if valid:
            record.used = True
        record.save()
        return valid

    @classmethod
    def sent_recently(cls, mobile, seconds=60):
        "Return the number of codes sent to the number in the last hour"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        since = dt.datetime.now() - dt.timedelta(hours=1)
        cursor.execute(*table.select(Count(Literal('*')),
                where=(table.mobile == normalize_mobile(mobile))
                & (table.create_date >= since)))
        return cursor.fetchone()[0]


class Attempt(LoginAttempt):
    """Portal Attempt

    The attempts counted by the rate limits of the portal (text messages,
    progress lookups) per key and per address, within the session
    timeout."""
    __name__ = 'onewindow.portal.attempt'
    _table = None

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__rpc__ = {}
