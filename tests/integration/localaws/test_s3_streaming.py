"""S3 aws-chunked uploads over the wire. boto3 and the AWS CLI never stream aws-chunked bodies to an
http:// endpoint (botocore only uses trailers over TLS), so this one file signs by hand with Python's
hmac — an implementation independent of sigv4/ — and checks what localaws accepts and refuses:
signed chunks (STREAMING-AWS4-HMAC-SHA256-PAYLOAD), unsigned chunks with a checksum trailer
(STREAMING-UNSIGNED-PAYLOAD-TRAILER), a tampered chunk, and a wrong trailer checksum."""
import base64
import datetime
import hashlib
import hmac
import http.client
import os
import socket
import unittest
import urllib.parse
import zlib

from localaws_fixture import BUCKET, NO_RETRIES, REGION, LocalAWSTestCase

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


class StreamingUpload:
    """Builds one signed aws-chunked PUT."""

    def __init__(self, creds, host, key, payload_mode):
        self.creds, self.host, self.key, self.mode = creds, host, key, payload_mode
        now = datetime.datetime.now(datetime.timezone.utc)
        self.amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        self.date = self.amz_date[:8]
        self.scope = f"{self.date}/{REGION}/s3/aws4_request"
        k = _hmac(("AWS4" + creds["SecretAccessKey"]).encode(), self.date)
        for part in (REGION, "s3", "aws4_request"):
            k = _hmac(k, part)
        self.signing_key = k

    def _sign(self, string_to_sign):
        return hmac.new(self.signing_key, string_to_sign.encode(), hashlib.sha256).hexdigest()

    def request(self, payload, chunk_size, trailer=None):
        path = "/" + BUCKET + "/" + urllib.parse.quote(self.key, safe="/")
        chunks = [payload[i:i + chunk_size] for i in range(0, len(payload), chunk_size)] + [b""]
        headers = {
            "host": self.host,
            "x-amz-date": self.amz_date,
            "x-amz-content-sha256": self.mode,
            "content-encoding": "aws-chunked",
            "x-amz-decoded-content-length": str(len(payload)),
            "x-amz-security-token": self.creds["SessionToken"],
        }
        if trailer:
            headers["x-amz-trailer"] = trailer[0]
        body_len = self._encoded_length(chunks, trailer)
        headers["content-length"] = str(body_len)
        signed = sorted(headers)
        canonical = "\n".join(["PUT", path, "", "".join(f"{h}:{headers[h]}\n" for h in signed), ";".join(signed),
                               self.mode])
        seed = self._sign("\n".join(["AWS4-HMAC-SHA256", self.amz_date, self.scope,
                                     hashlib.sha256(canonical.encode()).hexdigest()]))
        headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.creds['AccessKeyId']}/{self.scope}, "
                                    f"SignedHeaders={';'.join(signed)}, Signature={seed}")
        body = self._encode(chunks, seed, trailer)
        assert len(body) == body_len
        return path, headers, body

    def _encoded_length(self, chunks, trailer):
        return len(self._encode(chunks, "0" * 64, trailer))

    def _encode(self, chunks, seed, trailer):
        out, previous = [], seed
        for c in chunks:
            if self.mode.startswith("STREAMING-AWS4"):
                previous = self._sign("\n".join(["AWS4-HMAC-SHA256-PAYLOAD", self.amz_date, self.scope, previous,
                                                 EMPTY_SHA256, hashlib.sha256(c).hexdigest()]))
                out.append(b"%x;chunk-signature=%s\r\n" % (len(c), previous.encode()))
            else:
                out.append(b"%x\r\n" % len(c))
            if c:
                out.append(c + b"\r\n")
        if trailer:
            out.append(f"{trailer[0]}:{trailer[1]}\r\n".encode())
        out.append(b"\r\n")
        return b"".join(out)


class StreamingTest(LocalAWSTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.creds = cls.aws.assume_role()
        cls.s3 = cls.aws.role_session().client("s3", endpoint_url=cls.aws.endpoint, config=NO_RETRIES)

    def send(self, path, headers, body):
        conn = http.client.HTTPConnection("127.0.0.1", self.aws.port, timeout=30)
        try:
            conn.request("PUT", path, body=body, headers=headers)
            resp = conn.getresponse()
            return resp.status, resp.read().decode()
        finally:
            conn.close()

    def upload(self, key, mode, payload, chunk, trailer=None, tamper=False):
        builder = StreamingUpload(self.creds, f"127.0.0.1:{self.aws.port}", key, mode)
        path, headers, body = builder.request(payload, chunk, trailer)
        if tamper:
            at = body.index(payload[:16]) + 3
            body = body[:at] + bytes([body[at] ^ 1]) + body[at + 1:]
        return self.send(path, headers, body)

    def test_expect_100_continue_is_matched_in_any_case(self):
        # RFC 9110: the expectation is case-insensitive; aws-sdk-go v1 (rclone) sends "100-Continue" and,
        # without the interim answer, waits a second before each body.
        payload = os.urandom(200_000)
        url = urllib.parse.urlsplit(self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": "stream/expect"}, ExpiresIn=600))
        head = (f"PUT {url.path}?{url.query} HTTP/1.1\r\nHost: 127.0.0.1:{self.aws.port}\r\n"
                f"Content-Length: {len(payload)}\r\nExpect: 100-Continue\r\n\r\n")
        with socket.create_connection(("127.0.0.1", self.aws.port), timeout=0.5) as sock:
            sock.sendall(head.encode())
            self.assertTrue(sock.recv(1024).startswith(b"HTTP/1.1 100 Continue\r\n\r\n"))  # else a timeout
            sock.sendall(payload)
            sock.settimeout(30)
            self.assertTrue(sock.recv(1024).startswith(b"HTTP/1.1 200 "))
        self.assertEqual(self.s3.get_object(Bucket=BUCKET, Key="stream/expect")["Body"].read(), payload)

    def test_signed_chunks(self):
        payload = os.urandom(300_000)
        status, text = self.upload("stream/signed", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", payload, 65536)
        self.assertEqual(status, 200, text)
        got = self.s3.get_object(Bucket=BUCKET, Key="stream/signed")
        self.assertEqual(got["Body"].read(), payload)
        self.assertEqual(got["ETag"], '"%s"' % hashlib.md5(payload).hexdigest())
        self.assertNotIn("aws-chunked", got.get("ContentEncoding", ""))

    def test_tampered_chunk_is_refused_and_nothing_stored(self):
        payload = os.urandom(100_000)
        status, text = self.upload("stream/tampered", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", payload, 8192, tamper=True)
        self.assertEqual(status, 403)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", text)
        with self.assertRaises(Exception):
            self.s3.head_object(Bucket=BUCKET, Key="stream/tampered")

    def test_unsigned_chunks_with_checksum_trailer(self):
        payload = os.urandom(50_000)
        crc = base64.b64encode(zlib.crc32(payload).to_bytes(4, "big")).decode()
        status, text = self.upload("stream/trailer", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", payload, 16384,
                                   trailer=("x-amz-checksum-crc32", crc))
        self.assertEqual(status, 200, text)
        got = self.s3.get_object(Bucket=BUCKET, Key="stream/trailer", ChecksumMode="ENABLED")
        self.assertEqual(got["Body"].read(), payload)
        self.assertEqual(got["ChecksumCRC32"], crc)
        status, text = self.upload("stream/bad-trailer", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", payload, 16384,
                                   trailer=("x-amz-checksum-crc32", "AAAAAA=="))
        self.assertEqual(status, 400)
        self.assertIn("<Code>BadDigest</Code>", text)

    def test_body_not_matching_x_amz_content_sha256(self):
        # A plain (non-chunked) PUT that declares the SHA-256 of other bytes than it sends.
        builder = StreamingUpload(self.creds, f"127.0.0.1:{self.aws.port}", "stream/mismatch",
                                  hashlib.sha256(b"declared").hexdigest())
        path = "/" + BUCKET + "/stream/mismatch"
        headers = {"host": builder.host, "x-amz-date": builder.amz_date, "x-amz-content-sha256": builder.mode,
                   "x-amz-security-token": self.creds["SessionToken"], "content-length": "4"}
        signed = sorted(headers)
        canonical = "\n".join(["PUT", path, "", "".join(f"{h}:{headers[h]}\n" for h in signed), ";".join(signed),
                               builder.mode])
        signature = builder._sign("\n".join(["AWS4-HMAC-SHA256", builder.amz_date, builder.scope,
                                             hashlib.sha256(canonical.encode()).hexdigest()]))
        headers["authorization"] = (f"AWS4-HMAC-SHA256 Credential={self.creds['AccessKeyId']}/{builder.scope}, "
                                    f"SignedHeaders={';'.join(signed)}, Signature={signature}")
        status, text = self.send(path, headers, b"sent")
        self.assertEqual(status, 400)
        self.assertIn("<Code>XAmzContentSHA256Mismatch</Code>", text)
        with self.assertRaises(Exception):
            self.s3.head_object(Bucket=BUCKET, Key="stream/mismatch")


if __name__ == "__main__":
    unittest.main()
