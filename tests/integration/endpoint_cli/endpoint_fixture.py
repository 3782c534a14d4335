"""The endpoint path of the shiftsync commands (--connection-method endpoint) against localaws's
workgroup endpoint: the extract suites' localaws (connector role, least privilege checked at the end),
with the endpoint and its CA from localaws's second stdout line."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "extract_cli"))

from extract_fixture import ExtractCase  # noqa: E402,F401


class EndpointCase(ExtractCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        pg = cls.aws.postgres
        assert pg, "localaws printed no endpoint line"
        cls.endpoint_flags = ["--connection-method", "endpoint", "--db-endpoint", f"{pg['address']}:{pg['port']}",
                              "--db-ca", pg["ca"]]

    def on_endpoint(self, *args, **kwargs):
        return self.ss.run(*args, *self.endpoint_flags, **kwargs)

    def on_data_api(self, *args, **kwargs):
        return self.ss.run(*args, **kwargs)
