"""A client that goes away in the middle of a body costs localaws that connection, never its life.

GETs of a large object read in part and then dropped (a reset, a plain close, and a close after the
client half-closed, which makes the server's next write fail with EPIPE), and PUTs that send half
their body and close (plain, signed aws-chunked, unsigned aws-chunked with a trailer). After each,
localaws must finish with that connection, stay up, and answer boto3 as before."""
import os
import signal
import socket
import struct
import time
import unittest
import urllib.parse

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from localaws_fixture import BUCKET, NO_RETRIES, REGION, LocalAWS
from test_s3_streaming import StreamingUpload

MiB = 1024 * 1024
BIG = 48 * MiB  # far more than the socket buffers hold: the server is mid-body when the client goes


class ClientVanishes(unittest.TestCase):
    def setUp(self):
        # A localaws of its own per test: when one dies, the others still say what they saw.
        self.aws = LocalAWS()
        self.addCleanup(self.aws.cleanup)
        self.aws.start()
        self.creds = self.aws.assume_role()
        session = self.aws.role_session()
        self.s3 = session.client("s3", endpoint_url=self.aws.endpoint, config=NO_RETRIES)
        presigner = session.client("s3", endpoint_url=self.aws.endpoint, config=Config(signature_version="s3v4"))
        url = presigner.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "vanish/big"},
                                               ExpiresIn=900)
        parts = urllib.parse.urlsplit(url)
        self.get_target = parts.path + "?" + parts.query  # never printed: it holds a signature

    def put_big(self):
        self.big = os.urandom(BIG)
        self.s3.put_object(Bucket=BUCKET, Key="vanish/big", Body=self.big)

    # ---- helpers
    def connect(self):
        return socket.create_connection(("127.0.0.1", self.aws.port), timeout=30)

    def requests_done(self, operation):
        return self.aws.counters().get("s3." + operation, {}).get("requests", 0)

    def assert_alive(self):
        code = self.aws.process.poll()
        if code is not None:
            self.fail(f"localaws died with exit code {code}" + (" (SIGPIPE)" if code == -signal.SIGPIPE else ""))

    def wait_until_finished(self, operation, before):
        """localaws counts a request once it is done with its connection: wait for that, so that a
        crash on the way (the SIGPIPE this file is about) is seen here."""
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.requests_done(operation) > before:
                    return
            except OSError:
                time.sleep(0.2)  # refused: is it gone?
                self.assert_alive()
                raise
            self.assert_alive()
            self.assertLess(time.monotonic(), deadline, f"localaws never finished the vanished {operation}")
            time.sleep(0.05)

    def assert_still_serving(self):
        self.assert_alive()
        self.s3.put_object(Bucket=BUCKET, Key="vanish/after", Body=b"still here")
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="vanish/after")["Body"].read(), b"still here")
        self.assert_alive()

    def assert_not_stored(self, key):
        with self.assertRaises(ClientError) as e:
            self.s3.head_object(Bucket=BUCKET, Key=key)
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)

    # ---- GET: the body is going out (sendfile) when the client goes
    def vanish_during_get(self, how):
        before = self.requests_done("GetObject")
        s = self.connect()
        try:
            s.sendall(f"GET {self.get_target} HTTP/1.1\r\nHost: 127.0.0.1:{self.aws.port}\r\n\r\n".encode())
            if how == "half-close":
                s.shutdown(socket.SHUT_WR)  # our FIN first: the server's write after our reset is EPIPE
            got = b""
            while len(got) < 512 * 1024:
                chunk = s.recv(64 * 1024)
                if not chunk:
                    break
                got += chunk
            self.assertTrue(got.startswith(b"HTTP/1.1 200"), got[:40])
            if how == "reset":
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        finally:
            s.close()
        self.wait_until_finished("GetObject", before)
        self.assert_still_serving()

    def test_get_read_in_part_then_reset(self):
        self.put_big()
        for _ in range(3):
            self.vanish_during_get("reset")

    def test_get_read_in_part_then_closed(self):
        self.put_big()
        for _ in range(3):
            self.vanish_during_get("close")

    def test_get_read_in_part_after_half_close(self):
        self.put_big()
        for _ in range(3):
            self.vanish_during_get("half-close")

    def test_whole_get_after_the_vanished_ones(self):
        self.put_big()
        self.vanish_during_get("half-close")
        whole = self.s3.get_object(Bucket=BUCKET, Key="vanish/big")["Body"].read()
        self.assertTrue(whole == self.big, "the whole GET is not the object")

    # ---- PUT: half the body arrives, then the client is gone
    def send_half(self, target, headers, body):
        before = self.requests_done("PutObject")
        s = self.connect()
        try:
            head = f"PUT {target} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            s.sendall(head.encode() + body[: len(body) // 2])
        finally:
            s.close()
        self.wait_until_finished("PutObject", before)
        self.assert_still_serving()

    def test_plain_put_half_sent(self):
        body = os.urandom(8 * MiB)
        request = AWSRequest(method="PUT", url=f"{self.aws.endpoint}/{BUCKET}/vanish/plain", data=body)
        credentials = Credentials(self.creds["AccessKeyId"], self.creds["SecretAccessKey"], self.creds["SessionToken"])
        S3SigV4Auth(credentials, "s3", REGION).add_auth(request)
        headers = dict(request.headers.items(), Host=f"127.0.0.1:{self.aws.port}", **{"Content-Length": str(len(body))})
        self.send_half(f"/{BUCKET}/vanish/plain", headers, body)
        self.assert_not_stored("vanish/plain")

    def chunked_put_half_sent(self, key, mode, trailer=None):
        builder = StreamingUpload(self.creds, f"127.0.0.1:{self.aws.port}", key, mode)
        path, headers, body = builder.request(os.urandom(8 * MiB), 64 * 1024, trailer)
        self.send_half(path, headers, body)
        self.assert_not_stored(key)

    def test_signed_chunked_put_half_sent(self):
        self.chunked_put_half_sent("vanish/signed-chunks", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")

    def test_unsigned_chunked_put_with_trailer_half_sent(self):
        self.chunked_put_half_sent("vanish/trailer", "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                   trailer=("x-amz-checksum-crc32", "AAAAAA=="))


if __name__ == "__main__":
    unittest.main()
