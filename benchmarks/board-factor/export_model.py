"""Exports a torchvision model (random weights: timing only) to ONNX, opset 13, batch 1, 3x224x224.

Run with Debian's python3 (python3-torch, python3-torchvision):
python3 export_model.py mobilenet_v2|resnet18 OUT.onnx
"""
import sys

import torch
import torchvision

name = sys.argv[1]
out = sys.argv[2]
model = {"mobilenet_v2": torchvision.models.mobilenet_v2, "resnet18": torchvision.models.resnet18}[name]()
model.eval()
torch.onnx.export(model, torch.randn(1, 3, 224, 224), out, opset_version=13,
                  input_names=["input"], output_names=["logits"])
print(out)
