# This file is part of onewindow.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    @classmethod
    def _case_of(cls, resource):
        "Return the case of the resource (a record or 'model,id') or None"
        pool = Pool()
        if isinstance(resource, str):
            model, id_ = resource.split(',')
            if not model.startswith('onewindow.case') or int(id_) < 0:
                return None
            resource = pool.get(model)(int(id_))
        if resource is None or resource.id is None or resource.id < 0:
            return None
        if resource.__name__ == 'onewindow.case':
            return resource
        if (resource.__name__.startswith('onewindow.case.')
                and 'case' in resource._fields):
            return resource.case

    @classmethod
    def check_cases_open(cls, resources):
        "Raise if a resource belongs to an archived case"
        pool = Pool()
        Case = pool.get('onewindow.case')
        cases = {cls._case_of(r) for r in resources}
        cases.discard(None)
        Case.check_open(list(cases))

    @classmethod
    def check_case_file(cls, resource, name, data):
        """Raise if the file attached to a case or one of its lines is too
        large or of a type not allowed"""
        pool = Pool()
        Configuration = pool.get('onewindow.case.configuration')
        if not data or cls._case_of(resource) is None:
            return
        if isinstance(resource, str):
            model, id_ = resource.split(',')
            resource = pool.get(model)(int(id_))
        Configuration(1).check_file(
            data, name, lambda: resource.rec_name,
            lambda: cls.__names__('data')['field'])

    @classmethod
    def create(cls, vlist):
        cls.check_cases_open([v['resource'] for v in vlist
                if v.get('resource')])
        for values in vlist:
            if values.get('resource'):
                cls.check_case_file(
                    values['resource'], values.get('name'),
                    values.get('data'))
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        resources, files = [], []
        for attachments, values in zip(actions, actions):
            resources.extend(a.resource for a in attachments)
            if values.get('resource'):
                resources.append(values['resource'])
            if {'resource', 'name', 'data'} & set(values):
                files.extend((a, values) for a in attachments)
        cls.check_cases_open(resources)
        for attachment, values in files:
            cls.check_case_file(
                values.get('resource', attachment.resource),
                values.get('name', attachment.name),
                values['data'] if 'data' in values else attachment.data)
        super().write(*args)

    @classmethod
    def delete(cls, attachments):
        cls.check_cases_open([a.resource for a in attachments])
        super().delete(attachments)
