#!/bin/sh
# Copy the npm-installed front-end assets (DKFDS, htmx) into our static files.
# They are served from our own origin (no CDN) and are not committed.
set -eu
cd "$(dirname "$0")/.."
rm -rf static/vendor
mkdir -p static/vendor/dkfds static/vendor/htmx
cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img \
      node_modules/dkfds/dist/js static/vendor/dkfds/
cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
touch static/vendor/.installed
