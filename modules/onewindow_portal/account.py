# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The applicants' accounts: registration and password reset by a code
sent to the mobile number, login, the binding of the real name"""
from stdnum.cn import ric

from trytond.config import config
from trytond.i18n import gettext as tryton_gettext

from . import oidc
from .web import TooManyRequests, gettext, portal_route
from .web_user import MOBILE_PATTERN, normalize_mobile

MIN_PASSWORD = 8


def _check_rate(page, key, limit):
    "Raise TooManyRequests when key was attempted limit times in the window"
    Attempt = page.pool.get('onewindow.portal.attempt')
    if Attempt.count(key) >= limit or Attempt.count_ip() >= config.getint(
            'portal', 'max_attempt_ip', default=100):
        raise TooManyRequests(gettext(
                "Too many attempts. Wait a few minutes and try again."))
    Attempt.add(key)


def send_code(page, mobile, purpose):
    """Send a verification code to the mobile number, at most one a minute
    and five an hour per number"""
    pool = page.pool
    Verification = pool.get('onewindow.portal.verification')
    Message = pool.get('onewindow.portal.sms')
    _check_rate(page, 'sms:' + mobile, config.getint(
            'portal', 'max_sms', default=3))
    if Verification.sent_recently(mobile) >= 5:
        raise TooManyRequests(gettext(
                "Too many attempts. Wait a few minutes and try again."))
    code = Verification.issue(mobile, purpose)
    Message.queue([{
                'kind': 'code', 'recipient': mobile,
                'text': tryton_gettext(
                    'onewindow_portal.msg_sms_code', code=code),
                }])


def password_errors(password, confirm):
    errors = []
    if len(password or '') < MIN_PASSWORD:
        errors.append(gettext(
                "The password must have at least %(length)s characters.",
                length=MIN_PASSWORD))
    elif password != confirm:
        errors.append(gettext("The two passwords differ."))
    return errors


@portal_route('register', methods=['GET', 'POST'])
def register(page):
    "Register an account with a mobile number, a code and a password"
    pool = page.pool
    User = pool.get('web.user')
    Verification = pool.get('onewindow.portal.verification')
    form = page.form
    mobile = normalize_mobile(form.get('mobile', ''))[:20]
    errors, messages = [], []
    if page.request.method == 'POST':
        if not MOBILE_PATTERN.match(mobile):
            errors.append(gettext(
                    "Enter the 11 digits of your mobile number."))
        elif form.get('action') == 'code':
            if not User.search([('mobile', '=', mobile)], limit=1):
                send_code(page, mobile, 'register')
            # The same answer whether the number has an account or not
            messages.append(gettext(
                    "If the number can register, a code was sent to it; "
                    "it is valid 5 minutes."))
        else:
            password = form.get('password', '')
            errors.extend(password_errors(password, form.get('confirm')))
            if not errors:
                if not Verification.verify(
                        mobile, 'register', form.get('code', '')):
                    errors.append(gettext(
                            "The verification code is wrong or expired: "
                            "ask for a new one."))
                elif User.search([('mobile', '=', mobile)], limit=1):
                    errors.append(gettext(
                            "This number already has an account: log in "
                            "or reset the password."))
                else:
                    user = User(mobile=mobile, email=None)
                    user.save()
                    User.write([user], {
                            'password_hash': User.hash_password(password),
                            })
                    page.login(user)
                    return page.redirect('identity')
    return page.render('register.html', mobile=mobile, errors=errors,
        messages=messages)


@portal_route('login', methods=['GET', 'POST'])
def login(page):
    pool = page.pool
    User = pool.get('web.user')
    errors = []
    mobile = normalize_mobile(page.form.get('mobile', ''))[:20]
    if page.request.method == 'POST':
        user = User.authenticate_mobile(
            mobile, page.form.get('password', '')[:200])
        if user:
            page.login(user)
            return page.redirect('my')
        errors.append(gettext("The mobile number or the password is wrong."))
    return page.render('login.html', mobile=mobile, errors=errors,
        oidc_label=oidc.label() if oidc.configured() else None,
        status=400 if errors else 200)


@portal_route('reset', methods=['GET', 'POST'])
def reset(page):
    "Set a new password with a code sent to the mobile number"
    pool = page.pool
    User = pool.get('web.user')
    Verification = pool.get('onewindow.portal.verification')
    Session = pool.get('web.user.session')
    form = page.form
    mobile = normalize_mobile(form.get('mobile', ''))[:20]
    errors, messages = [], []
    if page.request.method == 'POST':
        users = User.search([
                ('mobile', '=', mobile), ('active', '=', True)], limit=1)
        if not MOBILE_PATTERN.match(mobile):
            errors.append(gettext(
                    "Enter the 11 digits of your mobile number."))
        elif form.get('action') == 'code':
            if users:
                send_code(page, mobile, 'reset')
            messages.append(gettext(
                    "If the number has an account, a code was sent to it; "
                    "it is valid 5 minutes."))
        else:
            password = form.get('password', '')
            errors.extend(password_errors(password, form.get('confirm')))
            if not errors:
                if not (Verification.verify(
                            mobile, 'reset', form.get('code', ''))
                        and users):
                    errors.append(gettext(
                            "The verification code is wrong or expired: "
                            "ask for a new one."))
                else:
                    user, = users
                    User.write([user], {
                            'password_hash': User.hash_password(password),
                            })
                    # Every other session ends with the old password
                    Session.delete(Session.search([('user', '=', user.id)]))
                    page.login(user)
                    return page.redirect('my')
    return page.render('reset.html', mobile=mobile, errors=errors,
        messages=messages)


def require_user(page):
    "Return the redirection to the login page when nobody is logged in"
    if not page.user:
        return page.redirect('login')


@portal_route('identity', methods=['GET', 'POST'])
def identity(page):
    "Bind the account to the applicant's real name and resident ID"
    pool = page.pool
    Party = pool.get('party.party')
    Identifier = pool.get('party.identifier')
    ContactMechanism = pool.get('party.contact_mechanism')
    User = pool.get('web.user')
    redirect = require_user(page)
    if redirect:
        return redirect
    user = page.user
    errors = []
    form = page.form
    name = (form.get('name') or '').strip()[:100]
    code = (form.get('resident_id') or '').strip().upper()[:18]
    if page.request.method == 'POST' and not user.party:
        if not name:
            errors.append(gettext("Enter your name as on your identity "
                    "card."))
        if not ric.is_valid(code):
            errors.append(gettext("The resident ID number is not valid."))
        if not errors:
            identifiers = Identifier.search([
                    ('type', '=', 'cn_ric'), ('code', '=', code)], limit=1)
            if identifiers:
                party = identifiers[0].party
                if (party.name != name or User.search([
                            ('party', '=', party.id)], limit=1)):
                    errors.append(gettext(
                            "This resident ID cannot be bound to your "
                            "account: bring your identity card to the "
                            "window."))
            else:
                party = Party(name=name, identifiers=[
                        Identifier(type='cn_ric', code=code)])
                party.contact_mechanisms = [ContactMechanism(
                        type='mobile', value=user.mobile)]
                party.save()
            if not errors:
                User.write([user], {'party': party.id})
                return page.redirect('my')
    return page.render('identity.html', errors=errors, name=name)
