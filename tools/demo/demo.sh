#!/usr/bin/env bash
# `make demo`: what shiftsync can do so far, end to end on this machine.
# Today: SigV4-sign a sample Data API request with the AWS documentation's example keys.
set -euo pipefail
build=${1:-build}
bin="$build/bin/shiftsync"

echo "== shiftsync sign: a Redshift Data API ExecuteStatement request, signed step by step"
AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY \
  "$bin" sign --service redshift-data --region us-east-1 --time 20261128T120000Z <<'REQ'
POST / HTTP/1.1
Host: redshift-data.us-east-1.amazonaws.com
Content-Type: application/x-amz-json-1.1
X-Amz-Target: RedshiftData.ExecuteStatement

{"WorkgroupName":"default-workgroup","Database":"dev","Sql":"select 1"}
REQ
