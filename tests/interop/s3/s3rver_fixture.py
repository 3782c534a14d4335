"""Runs a command against s3rver (npm), a third-party S3 server, on a free loopback port.

s3rver proves wire compatibility only: it checks no SigV4 signatures and makes non-AWS multipart
ETags, so the command is told so (no SHIFTSYNC_S3_AWS_ETAGS). It is installed by
tools/setup/install-deps.sh into tests/interop/s3/node_modules. The data directory is a temporary
one, removed afterwards with the server stopped whatever happens.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
S3RVER = os.path.join(HERE, "node_modules", ".bin", "s3rver")
BUCKET = "shiftsync-interop"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    if not os.path.exists(S3RVER):
        print(f"s3rver is not installed at {S3RVER}: run tools/setup/install-deps.sh (make test does)")
        return 2
    data = tempfile.mkdtemp(prefix="shiftsync-s3rver-")
    port = free_port()
    # s3rver 3.7 makes continuation tokens with a cipher that OpenSSL 3 moved to its legacy
    # provider; without it every paged listing answers 500 under Node.js 17+.
    server_env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")
    server = subprocess.Popen([S3RVER, "-d", data, "-a", "127.0.0.1", "-p", str(port), "--silent",
                               "--configure-bucket", BUCKET], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=server_env)
    try:
        deadline = time.time() + 30
        while True:
            if server.poll() is not None:
                print("s3rver exited early:", server.stderr.read().decode(errors="replace")[-2000:])
                return 2
            try:
                socket.create_connection(("127.0.0.1", port), 0.2).close()
                break
            except OSError:
                if time.time() > deadline:
                    print("s3rver did not start listening within 30 s")
                    return 2
                time.sleep(0.1)
        env = dict(os.environ, SHIFTSYNC_S3_URL=f"http://127.0.0.1:{port}", SHIFTSYNC_S3_BUCKET=BUCKET,
                   SHIFTSYNC_S3_ACCESS_KEY_ID="S3RVER", SHIFTSYNC_S3_SECRET_ACCESS_KEY="S3RVER",
                   SHIFTSYNC_S3_ENCODED_KEYS="1")
        return subprocess.run(sys.argv[1:], env=env).returncode
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
