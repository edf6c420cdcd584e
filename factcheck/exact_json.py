"""Django's JSON serialization format, with datetimes and times kept to the microsecond.

Django's own JSON encoder cuts them to milliseconds (ECMA-262 style), so a backup made with
`dumpdata` and restored with `loaddata` would change every timestamp; registered as the "json"
format in settings.SERIALIZATION_MODULES. Reading is unchanged (parse_datetime reads both).
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder
from django.core.serializers.json import Serializer as DjangoJSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            return o.isoformat().replace("+00:00", "Z")
        if isinstance(o, datetime.time) and o.tzinfo is None:
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()
