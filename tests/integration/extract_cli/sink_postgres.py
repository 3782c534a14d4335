"""A private PostgreSQL 15 for the table sink's tests: initdb in a temp directory (as the `postgres` OS user
when the tests run as root, like localaws's own cluster), a free loopback TCP port, password (SCRAM) logins
only over TCP, one login role with a password and a database it owns; psql as the superuser over the
server's private socket for setup and checks. Stopped (pg_ctl stop -m fast) and removed at the end."""
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile

PG_BIN = "/usr/lib/postgresql/15/bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SinkPostgres:
    def __init__(self, user="loader", database="sinkdb"):
        self.user, self.database = user, database
        # Unique per run, and with characters a URI must percent-encode, so masking is tested too.
        self.password = "pw-" + secrets.token_hex(8) + "@/:"
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="shiftsync-sinkpg-")
        self.data_dir = os.path.join(self.dir, "data")
        self.socket_dir = os.path.join(self.dir, "socket")
        os.makedirs(self.socket_dir)
        self.as_root = os.geteuid() == 0
        if self.as_root:
            owner = pwd.getpwnam("postgres")
            os.chmod(self.dir, 0o755)  # (mkdtemp makes it 0700 for root: the server could not enter it)
            for p in (self.dir, self.socket_dir):
                os.chown(p, owner.pw_uid, owner.pw_gid)
        self.started = False

    def _as_owner(self, argv):
        return (["/usr/sbin/runuser", "-u", "postgres", "--"] + argv) if self.as_root else argv

    def _run(self, argv):
        p = subprocess.run(self._as_owner(argv), capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed ({p.returncode}): {p.stderr}{p.stdout}")

    def start(self):
        self._run([f"{PG_BIN}/initdb", "-D", self.data_dir, "-U", "postgres", "--encoding=UTF8", "--locale=C",
                   "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"])
        with open(os.path.join(self.data_dir, "postgresql.conf"), "a") as conf:
            conf.write(f"\nlisten_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.socket_dir}'\nfsync = off\n"
                       "timezone = 'UTC'\nlog_timezone = 'UTC'\n")
        self._run([f"{PG_BIN}/pg_ctl", "start", "-w", "-t", "60", "-D", self.data_dir, "-l",
                   os.path.join(self.dir, "server.log")])
        self.started = True
        literal = self.password.replace("'", "''")
        self.psql(f"CREATE ROLE {self.user} LOGIN PASSWORD '{literal}'", database="postgres")
        self.psql(f"CREATE DATABASE {self.database} OWNER {self.user}", database="postgres")

    def stop(self):
        try:
            if self.started:
                self._run([f"{PG_BIN}/pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", self.data_dir])
                self.started = False
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def uri(self, password=None, port=None):
        """postgresql://loader:<password, percent-encoded>@127.0.0.1:<port>/sinkdb"""
        from urllib.parse import quote
        pw = quote(self.password if password is None else password, safe="")
        return f"postgresql://{self.user}:{pw}@127.0.0.1:{port or self.port}/{self.database}"

    def psql(self, sql, database=None, check=True, redshift_literals=False):
        """Runs `sql` as the superuser; its output (unaligned, tuples only). UTC, so timestamptz prints alike.
        With redshift_literals, a backslash in a string literal escapes, as in Redshift (and localaws)."""
        env = {**os.environ, "PGTZ": "UTC"}
        if redshift_literals:
            env["PGOPTIONS"] = "-c standard_conforming_strings=off -c escape_string_warning=off"
        p = subprocess.run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-p",
                            str(self.port), "-U", "postgres", "-d", database or self.database, "-c", sql],
                           capture_output=True, text=True, timeout=120, env=env)
        if check and p.returncode != 0:
            # (CREATE ROLE's statement holds the password: never in a message.)
            raise AssertionError(f"psql {sql[:200]!r}: {p.stderr}".replace(self.password, "***"))
        return p.stdout.rstrip("\n")

    def copy_out(self, query):
        """What `COPY (query) TO STDOUT WITH CSV HEADER` prints, as localaws's psql_copy does for the source."""
        p = subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-p", str(self.port),
                            "-U", "postgres", "-d", self.database, "-c", f"COPY ({query}) TO STDOUT WITH CSV HEADER"],
                           capture_output=True, timeout=120, env={**os.environ, "PGTZ": "UTC"})
        if p.returncode != 0:
            raise AssertionError(p.stderr.decode(errors="replace"))
        return p.stdout.decode()
