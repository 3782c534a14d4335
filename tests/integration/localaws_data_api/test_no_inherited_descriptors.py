"""No descriptor of localaws survives into the PostgreSQL it starts (issue #11).

localaws starts PostgreSQL on the first Data API call, from inside that request. The postmaster
used to inherit every socket localaws had open at that instant: the listening socket, the
connection of that very request, any other idle keep-alive connection. When localaws later closed
such a connection (the idle timeout) the postmaster still held it, so the client never saw EOF and
its next request on it hung. These tests open raw keep-alive connections, make the first Data API
call on one of them, wait past a short idle timeout and expect EOF on both; and they look into
/proc/<postmaster>/fd for any socket on localaws's port or localaws's request log."""
import json
import os
import socket
import sys
import time
import unittest

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "localaws"))

from localaws_fixture import REGION, LocalAWS, default_config  # noqa: E402

IDLE_SECONDS = 2  # localaws's idle timeout for this test (config server.idle_timeout_seconds)


def read_response(sock):
    """One HTTP/1.1 response with a Content-Length body: (status line, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed before a whole response head: {data[:200]!r}")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed in the middle of a response body")
        body += chunk
    return lines[0], body[:length]


def socket_inodes_on_port(port):
    """Inodes of every TCP socket whose local port is `port` (the listener and accepted connections)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as f:
            next(f)
            for line in f:
                fields = line.split()
                local_port = int(fields[1].rsplit(":", 1)[1], 16)
                if local_port == port:
                    inodes.add(fields[9])
    return inodes


def descriptor_targets(pid):
    targets = {}
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            targets[int(fd)] = os.readlink(os.path.join(fd_dir, fd))
        except FileNotFoundError:
            pass  # closed while we looked
    return targets


class NoInheritedDescriptorsTest(unittest.TestCase):
    def setUp(self):
        config = default_config()
        config.setdefault("server", {})["idle_timeout_seconds"] = IDLE_SECONDS
        self.aws = LocalAWS(config=config)
        self.addCleanup(self.aws.cleanup)
        self.aws.start()
        c = self.aws.assume_role()
        self.credentials = Credentials(c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"])
        self.postmaster_pid_file = os.path.join(self.aws.data_dir, "postgres", "data", "postmaster.pid")

    def connect(self):
        s = socket.create_connection(("127.0.0.1", self.aws.port), timeout=30)
        self.addCleanup(s.close)
        return s

    def data_api_request(self, operation, body):
        """The bytes of a SigV4-signed keep-alive Data API request, as boto3 would send it."""
        payload = json.dumps(body).encode()
        request = AWSRequest(method="POST", url=f"{self.aws.endpoint}/", data=payload,
                             headers={"Content-Type": "application/x-amz-json-1.1",
                                      "X-Amz-Target": f"RedshiftData.{operation}"})
        SigV4Auth(self.credentials, "redshift-data", REGION).add_auth(request)
        headers = dict(request.headers.items())
        headers.update({"Host": f"127.0.0.1:{self.aws.port}", "Content-Length": str(len(payload)),
                        "Connection": "keep-alive"})
        head = "POST / HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode() + payload

    def postmaster_pid(self):
        with open(self.postmaster_pid_file) as f:
            return int(f.readline())

    def assert_eof_after_idle_timeout(self, sock, what):
        sock.settimeout(IDLE_SECONDS + 15)
        started = time.monotonic()
        try:
            got = sock.recv(1)
        except socket.timeout:
            self.fail(f"{what}: no EOF {IDLE_SECONDS + 15}s after the last request, though localaws closes "
                      f"connections idle for {IDLE_SECONDS}s (is the connection held by PostgreSQL?)")
        self.assertEqual(got, b"", f"{what}: data instead of EOF")
        self.assertLess(time.monotonic() - started, IDLE_SECONDS + 10, what)

    def test_connections_open_when_postgres_starts_are_closed_after_the_idle_timeout(self):
        self.assertFalse(os.path.exists(self.postmaster_pid_file), "PostgreSQL must start with the first Data API call")
        # An idle keep-alive connection that is merely open while PostgreSQL starts.
        bystander = self.connect()
        bystander.sendall(f"GET /_localaws/health HTTP/1.1\r\nHost: 127.0.0.1:{self.aws.port}\r\n\r\n".encode())
        status, _ = read_response(bystander)
        self.assertIn(" 200 ", status)

        # The request that starts PostgreSQL, on a connection that then stays idle.
        starter = self.connect()
        starter.sendall(self.data_api_request("ExecuteStatement", {
            "WorkgroupName": "default-workgroup", "Database": "dev", "Sql": "select 1"}))
        status, body = read_response(starter)
        self.assertIn(" 200 ", status, body)
        self.assertIn("Id", json.loads(body))
        self.assertTrue(os.path.exists(self.postmaster_pid_file), "that call should have started PostgreSQL")

        self.assert_eof_after_idle_timeout(starter, "the connection whose request started PostgreSQL")
        self.assert_eof_after_idle_timeout(bystander, "a connection open while PostgreSQL started")

        # And localaws goes on serving the Data API on a new connection.
        fresh = self.connect()
        fresh.sendall(self.data_api_request("ListDatabases", {"WorkgroupName": "default-workgroup", "Database": "dev"}))
        status, body = read_response(fresh)
        self.assertIn(" 200 ", status, body)
        self.assertIn("dev", json.loads(body)["Databases"])

    def test_postmaster_holds_no_localaws_socket_or_file(self):
        held = self.connect()
        held.sendall(self.data_api_request("ExecuteStatement", {
            "WorkgroupName": "default-workgroup", "Database": "dev", "Sql": "select 1"}))
        status, body = read_response(held)
        self.assertIn(" 200 ", status, body)

        localaws_sockets = socket_inodes_on_port(self.aws.port)
        self.assertTrue(localaws_sockets, "localaws's listening socket should be in /proc/net/tcp")
        targets = descriptor_targets(self.postmaster_pid())
        self.assertTrue(targets, "the postmaster's descriptors should be readable")
        leaked = {fd: t for fd, t in targets.items() if t.startswith("socket:[") and t[8:-1] in localaws_sockets}
        self.assertEqual(leaked, {}, f"sockets on localaws's port {self.aws.port} held by the postmaster")
        request_log = os.path.realpath(os.path.join(self.aws.data_dir, "requests.jsonl"))
        self.assertNotIn(request_log, targets.values(), "the postmaster holds localaws's request log")
        # Nothing above stderr but what PostgreSQL opens itself: no socket of localaws at all.
        localaws_all = {t for t in descriptor_targets(self.aws.process.pid).values() if t.startswith("socket:[")}
        shared = {fd: t for fd, t in targets.items() if t in localaws_all}
        self.assertEqual(shared, {}, "sockets shared between localaws and the postmaster")


if __name__ == "__main__":
    unittest.main()
