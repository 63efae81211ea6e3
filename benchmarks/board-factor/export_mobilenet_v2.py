"""Exports torchvision's MobileNetV2 (random weights: timing only) to ONNX, opset 13, batch 1, 3x224x224.

Run with Debian's python3 (python3-torch, python3-torchvision): python3 export_mobilenet_v2.py OUT.onnx
"""
import sys

import torch
import torchvision

out = sys.argv[1] if len(sys.argv) > 1 else "mobilenet_v2.onnx"
model = torchvision.models.mobilenet_v2()
model.eval()
torch.onnx.export(model, torch.randn(1, 3, 224, 224), out, opset_version=13,
                  input_names=["input"], output_names=["logits"])
print(out)
