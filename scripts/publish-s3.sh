#!/usr/bin/env bash
# Publishes the dashboard to S3 (a static website bucket, or one behind CloudFront), with content types and cache
# headers set explicitly: hashed assets immutable for a year, wasm-bindgen's snippets and the HTML pages
# revalidated on every visit (so a new build is seen at once). Needs the AWS CLI and credentials.
#
#   TICKSCOPE_API=https://<id>.execute-api.<region>.amazonaws.com/prod ./scripts/publish-s3.sh s3://BUCKET[/PREFIX]
#
# TICKSCOPE_API is the API the build talks to by default (a link's `api=` overrides it). Assets are referenced
# relatively, so any prefix works. Files of older builds are left in place (hashed names never collide).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "$0")/common.sh"

dest=${1:?usage: TICKSCOPE_API=https://.../prod ./scripts/publish-s3.sh s3://BUCKET[/PREFIX]}
command -v aws >/dev/null || { echo "publish-s3: the AWS CLI (aws) is not installed" >&2; exit 1; }
[[ -n ${TICKSCOPE_API:-} ]] || echo "publish-s3: TICKSCOPE_API is not set: the page will ask its own origin's /prod" >&2

./scripts/build-dashboard.sh
immutable="public, max-age=31536000, immutable"
put() { # put PATTERN CONTENT-TYPE CACHE-CONTROL [EXCLUDED]
    aws s3 cp dist/ "$dest" --recursive --exclude "*" --include "$1" --exclude "${4:-/}" \
        --content-type "$2" --cache-control "$3"
}
put "*.wasm" "application/wasm" "$immutable"
# tickscope-<hash>.js and echarts-<hash>.js (trunk names them by content).
put "*.js" "text/javascript; charset=utf-8" "$immutable" "snippets/*"
put "*.css" "text/css; charset=utf-8" "$immutable"
# wasm-bindgen's JS snippets: their folder is named by the crate, not their content, so revalidate them.
put "snippets/*.js" "text/javascript; charset=utf-8" "no-cache"
put "*.html" "text/html; charset=utf-8" "no-cache"
