#!/bin/sh
# Times MobileNetV2 (torchvision, random weights, ONNX opset 13) with ONNX Runtime on this machine, one and
# four intra-op threads, for the board factors of docs/demo.md ("The emulated board"). Needs python3-torch,
# python3-torchvision and the onnxruntime jar in ~/.m2 (any build of this repository fetches it).
# The .onnx file is written to a temporary folder and not kept.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$here/export_mobilenet_v2.py" "$tmp/mobilenet_v2.onnx" >/dev/null
jar=$(ls ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar | grep -v sources | tail -1)
for threads in 1 4; do
    java -cp "$jar" "$here/BoardFactor.java" "$tmp/mobilenet_v2.onnx" "$threads" 20 100
done
