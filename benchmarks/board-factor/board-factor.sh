#!/bin/sh
# Times MobileNetV2 and ResNet-18 (torchvision, random weights, ONNX opset 13) with ONNX Runtime on this machine,
# with 1, 2 and 4 intra-op threads, for the board factors of docs/demo.md ("The emulated board"): ncnn's
# benchmark/README.md gives a Raspberry Pi 4's and a Zero 2 W's times for the same architectures with 1 and 4
# threads. Needs python3-torch, python3-torchvision and the onnxruntime jar in ~/.m2 (any build of this
# repository fetches it). The .onnx files are written to a temporary folder and not kept.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
jar=$(ls ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/*/onnxruntime-*.jar | grep -v sources | tail -1)
for model in mobilenet_v2 resnet18; do
    /usr/bin/python3 "$here/export_model.py" "$model" "$tmp/$model.onnx" >/dev/null
    for threads in 1 2 4; do
        java -cp "$jar" "$here/BoardFactor.java" "$tmp/$model.onnx" "$threads" 20 100
    done
done
