import orjson
from django.core.serializers.json import DjangoJSONEncoder
from rest_framework.renderers import JSONRenderer


class ORJSONRenderer(JSONRenderer):
    """The API builds plain dicts; orjson writes them several times faster than the json module."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        return orjson.dumps(data, default=DjangoJSONEncoder().default, option=orjson.OPT_NON_STR_KEYS)
