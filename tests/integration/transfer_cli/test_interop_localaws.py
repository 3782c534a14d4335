"""shiftsync cp/ls/rm against localaws as the connector role, byte-exact against boto3 and the AWS CLI
(interop_cases.py), plus what only localaws shows: the part layout shiftsync chose and a CRC32C on
every part. At the end of the class, the least-privilege check (transfer_fixture.LocalAwsTransferCase)."""
import unittest

from interop_cases import InteropCases
from transfer_fixture import BUCKET, PART, LocalAwsTransferCase, data, sha256


class InteropWithLocalAws(LocalAwsTransferCase, InteropCases):
    bucket = BUCKET

    def cli(self, *args):
        return self.inspector_cli(*args)

    def check_parts(self, key, size):
        sizes, attrs = self.part_sizes(key)
        if size < PART or (size == PART and not sizes):
            self.assertEqual(sizes, [], f"{key}: one PutObject")
            return
        expected = [PART] * (size // PART) + ([size % PART] if size % PART else [])
        self.assertEqual(sizes, expected, f"{key}: parts of --part-size 5MiB, in order")
        for part in attrs["ObjectParts"]["Parts"]:
            self.assertIn("ChecksumCRC32C", part, f"{key}: part {part['PartNumber']} was sent without a CRC32C")
        self.assertRegex(attrs["Checksum"].get("ChecksumCRC32C", ""), rf"-{len(expected)}$",
                         f"{key}: the upload declared CRC32C, so the object has a composite CRC32C")

    def test_checksum_none_sends_parts_without_checksums(self):
        content = data(PART + 1, seed=4242)
        src = self.path("nochecksum.bin")
        with open(src, "wb") as f:
            f.write(content)
        self.cp(src, self.url("nochecksum.bin"), "--part-size", "5MiB", "--checksum", "none")
        self.assertEqual(self.boto3_sha("nochecksum.bin"), sha256(content))
        sizes, attrs = self.part_sizes("nochecksum.bin")
        self.assertEqual(sizes, [PART, 1])
        for part in attrs["ObjectParts"]["Parts"]:
            self.assertNotIn("ChecksumCRC32C", part)


if __name__ == "__main__":
    unittest.main()
