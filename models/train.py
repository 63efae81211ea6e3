#!/usr/bin/python3
"""Train, export and package the 12-exit Fashion-MNIST ResNet used by SplitEE Edge.

Run with Debian's interpreter (the pyenv python3 cannot import torch):

    nice -n 10 /usr/bin/python3 models/train.py --threads 2 --epochs 15 --time-budget-min 42
    /usr/bin/python3 models/train.py --smoke --out /tmp/splitee-smoke/fmnist-resnet12

Inputs: the Fashion-MNIST IDX gzip files Debian ships in dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist); nothing is downloaded.

Output (the package, see models/README.md and the manifest schema): manifest.json,
block_01..12.onnx, exit_01..12.onnx, fused.onnx, samples/ (first 1,000 test images and
labels as gzip IDX), traces/*.csv.gz (per-exit confidence and prediction for every test
image under five input conditions), report.json (training settings, history, exit
statistics) and train-log.txt.

The package is written into a staging directory next to --out and moved into place only
when every file has been exported and verified, so --out never holds a half-written package.
"""

import argparse
import gzip
import hashlib
import io
import json
import math
import os
import shutil
import struct
import sys
import tempfile
import time

# Idle OpenMP threads must sleep, not spin: on a shared, busy machine spinning threads made a
# training step 5x slower (3.2 s vs 0.63 s per batch-128 step, measured with 2 threads at nice 10).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402  (after the OpenMP setting on purpose)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

MODEL_ID = "fmnist-resnet12"
MODEL_VERSION = "1.0.0"
OPSET = 17
NUM_BLOCKS = 12
NUM_CLASSES = 10
# (in_channels, out_channels, stride) for blocks 1..12: stages 16/32/64 at 28/14/7.
BLOCK_SPECS = ([(1, 16, 1)] + [(16, 16, 1)] * 3
               + [(16, 32, 2)] + [(32, 32, 1)] * 3
               + [(32, 64, 2)] + [(64, 64, 1)] * 3)
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
          "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
# tensor = (pixel_uint8 * SCALE - MEAN) / STD, all in float32 (the manifest repeats these numbers).
SCALE = 1.0 / 255.0
MEAN = 0.2860
STD = 0.3530
# Joint training: loss = sum_i EXIT_WEIGHTS[i] * CE(exit i); linear ramp 0.5 (exit 1) .. 1.0 (exit 12).
EXIT_WEIGHTS = [0.5 + 0.5 * i / (NUM_BLOCKS - 1) for i in range(NUM_BLOCKS)]
SAMPLE_COUNT = 1000
BLUR_KERNEL = 5
# name -> (kind, parameter); applied to [0,1] pixels before normalisation.
CONDITIONS = [("clean", None), ("noise-0.1", 0.1), ("noise-0.2", 0.2),
              ("blur-1", 1.0), ("contrast-0.5", 0.5)]
ALPHAS = [0.7, 0.8, 0.9]
DATA_DIR = "/usr/share/datasets/fashion-mnist"
FILES = {"train_images": "train-images-idx3-ubyte.gz", "train_labels": "train-labels-idx1-ubyte.gz",
         "test_images": "t10k-images-idx3-ubyte.gz", "test_labels": "t10k-labels-idx1-ubyte.gz"}


class Log:
    """Prints with flush and keeps every line for train-log.txt."""

    def __init__(self):
        self.lines = []
        self.t0 = time.time()

    def __call__(self, msg):
        line = "[%7.1fs] %s" % (time.time() - self.t0, msg)
        self.lines.append(line)
        print(line, flush=True)


# ----------------------------------------------------------------------------------- data

def read_idx(path):
    """Reads a gzip IDX file (the format Fashion-MNIST ships in) into a numpy array."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype_code != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError("%s: header says %s, body has %d bytes" % (path, dims, body.size))
    return body.reshape(dims)


def write_idx_prefix(src, dst, count):
    """Writes the first `count` records of gzip IDX file `src` to `dst` (gzip IDX, count fixed up)."""
    with gzip.open(src, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = list(struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim]))
    record = int(np.prod(dims[1:])) if ndim > 1 else 1
    header = data[:4] + struct.pack(">" + "I" * ndim, count, *dims[1:])
    body = data[4 + 4 * ndim: 4 + 4 * ndim + count * record]
    write_gzip(dst, header + body)


DATA_NOTICE = """The images and labels in this folder are the first 1,000 records of the Fashion-MNIST test set
(t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz), as shipped by Debian's dataset-fashion-mnist
package (/usr/share/datasets/fashion-mnist). Source: https://github.com/zalandoresearch/fashion-mnist

Copyright (c) 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def write_data_notice(samples_dir):
    """Fashion-MNIST is MIT (Expat) licensed: ship the notice next to the copied records."""
    with open(os.path.join(samples_dir, "LICENSE"), "w") as f:
        f.write(DATA_NOTICE)


def write_gzip(path, payload):
    """Gzip with a fixed mtime and no file name, so identical content gives identical bytes."""
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(payload)


def load_data(data_dir):
    out = {}
    for key, name in FILES.items():
        path = os.path.join(data_dir, name)
        if not os.path.isfile(path):
            raise SystemExit("error: %s not found (install Debian's dataset-fashion-mnist or pass --data-dir)" % path)
        out[key] = read_idx(path)
    for split in ("train", "test"):
        if out[split + "_images"].shape[1:] != (28, 28) or len(out[split + "_images"]) != len(out[split + "_labels"]):
            raise SystemExit("error: unexpected Fashion-MNIST %s shapes" % split)
    return out


def normalise(pixels01):
    """[0,1] float32 pixels (N,1,28,28) -> network input."""
    return (pixels01 - torch.tensor(MEAN, dtype=torch.float32)) / torch.tensor(STD, dtype=torch.float32)


def to_unit(u8):
    """uint8 tensor (N,28,28) -> float32 (N,1,28,28) in [0,1], computed as pixel * float32(1/255)."""
    return u8.to(torch.float32).unsqueeze(1) * torch.tensor(SCALE, dtype=torch.float32)


class Augmenter:
    """Random crop (zero padding 2) + horizontal flip, vectorised, driven by a seeded generator."""

    def __init__(self, images_u8, generator, pad=2):
        self.pad = pad
        self.padded = F.pad(images_u8, (pad, pad, pad, pad))  # (N, 32, 32) uint8
        self.gen = generator
        self.ar = torch.arange(28)

    def batch(self, idx):
        b = idx.numel()
        oy = torch.randint(0, 2 * self.pad + 1, (b,), generator=self.gen)
        ox = torch.randint(0, 2 * self.pad + 1, (b,), generator=self.gen)
        flip = torch.rand(b, generator=self.gen) < 0.5
        rows = (oy[:, None] + self.ar[None, :])[:, :, None]
        cols = (ox[:, None] + self.ar[None, :])
        cols = torch.where(flip[:, None], cols.flip(1), cols)[:, None, :]
        crops = self.padded[idx[:, None, None], rows, cols]
        return normalise(to_unit(crops))


# ---------------------------------------------------------------------------------- model

class Block(nn.Module):
    """Residual block: conv3x3(stride)-BN-ReLU-conv3x3-BN + shortcut (1x1 conv + BN if shape changes), ReLU."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        if stride != 1 or cin != cout:
            self.short_conv = nn.Conv2d(cin, cout, 1, stride, 0, bias=False)
            self.short_bn = nn.BatchNorm2d(cout)
        else:
            self.short_conv = None
            self.short_bn = None

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        sc = x if self.short_conv is None else self.short_bn(self.short_conv(x))
        return F.relu(out + sc)


class ExitHead(nn.Module):
    """Global average pool + linear -> logits. Has no BatchNorm, so it is exported as trained."""

    def __init__(self, channels):
        super().__init__()
        self.fc = nn.Linear(channels, NUM_CLASSES)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class MultiExitNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([Block(*s) for s in BLOCK_SPECS])
        self.exits = nn.ModuleList([ExitHead(s[1]) for s in BLOCK_SPECS])
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        for b in self.blocks:  # zero-init the last BN of each residual branch
            nn.init.zeros_(b.bn2.weight)

    def forward(self, x):
        logits = []
        for block, head in zip(self.blocks, self.exits):
            x = block(x)
            logits.append(head(x))
        return logits


def fold_conv_bn(conv, bn):
    """Returns a Conv2d with bias equal to conv followed by eval-mode bn (folded in float64)."""
    w = conv.weight.detach().double()
    scale = bn.weight.detach().double() / torch.sqrt(bn.running_var.detach().double() + bn.eps)
    bias = bn.bias.detach().double() - bn.running_mean.detach().double() * scale
    out = nn.Conv2d(conv.in_channels, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, bias=True)
    with torch.no_grad():
        out.weight.copy_((w * scale[:, None, None, None]).float())
        out.bias.copy_(bias.float())
    return out


class FoldedBlock(nn.Module):
    """Inference form of Block with BatchNorm folded into the convolutions; this is what is exported."""

    def __init__(self, block):
        super().__init__()
        self.conv1 = fold_conv_bn(block.conv1, block.bn1)
        self.conv2 = fold_conv_bn(block.conv2, block.bn2)
        self.short = None if block.short_conv is None else fold_conv_bn(block.short_conv, block.short_bn)

    def forward(self, x):
        out = self.conv2(F.relu(self.conv1(x)))
        sc = x if self.short is None else self.short(x)
        return F.relu(out + sc)


class FusedNet(nn.Module):
    """Folded blocks + exit heads: input -> (logits_1, ..., logits_12)."""

    def __init__(self, blocks, exits):
        super().__init__()
        self.blocks = nn.ModuleList(blocks)
        self.exits = nn.ModuleList(exits)

    def forward(self, x):
        outs = []
        for block, head in zip(self.blocks, self.exits):
            x = block(x)
            outs.append(head(x))
        return tuple(outs)


def conv_flops(conv, h_out, w_out):
    kh, kw = conv.kernel_size
    return 2 * conv.out_channels * h_out * w_out * conv.in_channels * kh * kw


def block_cost(folded, in_shape):
    """(output shape, flops, params) per sample; flops = 2 * multiply-accumulates of convs only."""
    cin, h, w = in_shape
    stride = folded.conv1.stride[0]
    h_out, w_out = (h + 2 - 3) // stride + 1, (w + 2 - 3) // stride + 1
    flops = conv_flops(folded.conv1, h_out, w_out) + conv_flops(folded.conv2, h_out, w_out)
    if folded.short is not None:
        flops += conv_flops(folded.short, h_out, w_out)
    params = sum(p.numel() for p in folded.parameters())
    return [folded.conv2.out_channels, h_out, w_out], flops, params


def exit_cost(head):
    """flops = 2 * multiply-accumulates of the linear layer (pooling adds are not counted)."""
    return 2 * head.fc.in_features * head.fc.out_features, sum(p.numel() for p in head.parameters())


# ------------------------------------------------------------------------------- training

def evaluate(model, images_u8, labels, batch=250):
    """Per-exit accuracy of the (training-form) model in eval mode."""
    model.eval()
    correct = torch.zeros(NUM_BLOCKS, dtype=torch.long)
    with torch.no_grad():
        for s in range(0, len(images_u8), batch):
            x = normalise(to_unit(images_u8[s:s + batch]))
            y = labels[s:s + batch]
            for i, lg in enumerate(model(x)):
                correct[i] += (lg.argmax(1) == y).sum()
    return (correct.double() / len(images_u8)).tolist()


def lr_at(step, total, warmup, peak):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * 0.5 * (1.0 + math.cos(math.pi * progress))


def train(args, data, log, t_start):
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    train_x = torch.from_numpy(data["train_images"].copy())
    train_y = torch.from_numpy(data["train_labels"].astype(np.int64))
    test_x = torch.from_numpy(data["test_images"].copy())
    test_y = torch.from_numpy(data["test_labels"].astype(np.int64))
    if args.train_count:
        train_x, train_y = train_x[:args.train_count], train_y[:args.train_count]
    if args.eval_count:
        test_x, test_y = test_x[:args.eval_count], test_y[:args.eval_count]
    device = torch.device(args.device)
    model = MultiExitNet().to(device)
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (no_decay if p.ndim == 1 else decay).append(p)  # no weight decay on BN affine and biases
    opt = torch.optim.SGD([{"params": decay, "weight_decay": args.weight_decay},
                           {"params": no_decay, "weight_decay": 0.0}],
                          lr=args.lr, momentum=0.9, nesterov=True)
    weights = torch.tensor(EXIT_WEIGHTS, device=device)
    aug = Augmenter(train_x, gen)
    n = len(train_x)
    steps_per_epoch = math.ceil(n / args.batch)
    planned = args.epochs
    warmup = min(steps_per_epoch, max(1, planned * steps_per_epoch // 20))
    budget_s = args.time_budget_min * 60.0 if args.time_budget_min else None
    log("train: %d images, batch %d, %d steps/epoch, %d epochs planned, peak lr %.3f, wd %g, device %s, "
        "threads %d, exit weights %s" % (n, args.batch, steps_per_epoch, planned, args.lr, args.weight_decay,
                                         device, torch.get_num_threads(),
                                         ",".join("%.3f" % w for w in EXIT_WEIGHTS)))
    history = []
    step = 0
    stopped_early = None
    epoch = 0
    while epoch < planned:
        epoch += 1
        t_ep = time.time()
        model.train()
        perm = torch.randperm(n, generator=gen)
        loss_sum, seen = 0.0, 0
        correct = torch.zeros(NUM_BLOCKS, dtype=torch.long)
        total = planned * steps_per_epoch
        for s in range(0, n, args.batch):
            if budget_s is not None and time.time() - t_start > budget_s:
                stopped_early = "time budget ran out inside epoch %d after %d steps" % (epoch, step)
                break
            idx = perm[s:s + args.batch]
            x = aug.batch(idx).to(device)
            y = train_y[idx].to(device)
            lr = lr_at(step, total, warmup, args.lr)
            for g in opt.param_groups:
                g["lr"] = lr
            logits = model(x)
            losses = torch.stack([F.cross_entropy(lg, y) for lg in logits])
            loss = (weights * losses).sum()
            if not torch.isfinite(loss):
                raise RuntimeError("non-finite training loss at step %d (lr %.4f)" % (step, lr))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            if args.progress_every and step % args.progress_every == 0:
                log("  step %d/%d (epoch %d) loss %.4f lr %.4f, %.2f s/step this epoch"
                    % (step, total, epoch, loss.item(), lr, (time.time() - t_ep) / (seen / args.batch + 1)))
            loss_sum += loss.item() * len(idx)
            seen += len(idx)
            with torch.no_grad():
                for i, lg in enumerate(logits):
                    correct[i] += (lg.argmax(1) == y).sum().cpu()
        if seen == 0:
            epoch -= 1
            break
        train_time = time.time() - t_ep
        test_acc = evaluate(model, test_x.to(device), test_y.to(device))
        ep_time = time.time() - t_ep
        rec = {"epoch": epoch, "steps": step, "lr_last": lr, "train_loss": loss_sum / seen,
               "train_acc": (correct.double() / seen).tolist(), "test_acc": test_acc,
               "train_s": round(train_time, 1), "epoch_s": round(ep_time, 1),
               "elapsed_s": round(time.time() - t_start, 1)}
        history.append(rec)
        log("epoch %2d/%d loss %.4f lr %.4f | test acc per exit: %s | final %.4f | %.0fs (train %.0fs)"
            % (epoch, planned, rec["train_loss"], lr, " ".join("%.3f" % a for a in test_acc), test_acc[-1],
               ep_time, train_time))
        if args.checkpoint:
            save_checkpoint(args.checkpoint, model, history, args)
        if stopped_early:
            break
        if budget_s is not None and epoch < planned:
            remaining = budget_s - (time.time() - t_start)
            est = max(ep_time, sum(r["epoch_s"] for r in history) / len(history)) * 1.05
            feasible = epoch + int(remaining // est)
            if feasible < planned:
                if feasible <= epoch:
                    stopped_early = "time budget: %.0fs left, an epoch takes ~%.0fs; stopping after epoch %d" % (
                        remaining, est, epoch)
                    log(stopped_early)
                    break
                log("time budget: %.0fs left, an epoch takes ~%.0fs; shortening the schedule from %d to %d epochs"
                    % (remaining, est, planned, feasible))
                planned = feasible
    if stopped_early:
        log("stopped early: " + stopped_early)
    model.eval()
    return model.cpu(), history, {"epochs_planned": args.epochs, "epochs_run": len(history),
                                  "stopped_early": stopped_early, "steps": step}


def save_checkpoint(path, model, history, args):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    torch.save({"state_dict": model.state_dict(), "history": history, "args": vars(args)}, tmp)
    os.replace(tmp, path)


# --------------------------------------------------------------- numpy ONNX reference run

def np_conv(x, w, b, attrs):
    if attrs.get("group", 1) != 1 or any(d != 1 for d in attrs.get("dilations", [1, 1])):
        raise ValueError("reference Conv supports group=1, dilation=1 only")
    kh, kw = w.shape[2:]
    pads = attrs.get("pads", [0, 0, 0, 0])
    sh, sw = attrs.get("strides", [1, 1])
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    win = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    out = np.einsum("nchwij,ocij->nohw", win, w, optimize=True)
    return out if b is None else out + b[None, :, None, None]


def np_run_onnx(model, feeds):
    """Evaluates an ONNX graph (the few ops our export uses) in float64 with numpy."""
    from onnx import helper, numpy_helper
    env = {k: v.astype(np.float64) for k, v in feeds.items()}
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init).astype(np.float64)
    for node in model.graph.node:
        a = {at.name: helper.get_attribute_value(at) for at in node.attribute}
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            out = np_conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, a)
        elif op == "Relu":
            out = np.maximum(ins[0], 0.0)
        elif op == "Add":
            out = ins[0] + ins[1]
        elif op == "GlobalAveragePool":
            out = ins[0].mean(axis=(2, 3), keepdims=True)
        elif op == "ReduceMean":
            out = ins[0].mean(axis=tuple(a["axes"]), keepdims=bool(a.get("keepdims", 1)))
        elif op == "Flatten":
            ax = a.get("axis", 1)
            out = ins[0].reshape(int(np.prod(ins[0].shape[:ax])), -1)
        elif op == "Gemm":
            A = ins[0].T if a.get("transA", 0) else ins[0]
            B = ins[1].T if a.get("transB", 0) else ins[1]
            out = a.get("alpha", 1.0) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + a.get("beta", 1.0) * ins[2]
        elif op == "MatMul":
            out = ins[0] @ ins[1]
        elif op == "Identity":
            out = ins[0]
        elif op == "Constant":
            out = numpy_helper.to_array(a["value"]).astype(np.float64)
        else:
            raise ValueError("reference evaluator: unsupported op %s" % op)
        env[node.output[0]] = out
    return [env[o.name] for o in model.graph.output]


# --------------------------------------------------------------------------------- export

def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def export_onnx(module, example, path, in_name, out_names):
    axes = {in_name: {0: "N"}}
    for o in out_names:
        axes[o] = {0: "N"}
    torch.onnx.export(module, (example,), path, input_names=[in_name], output_names=out_names,
                      dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True, export_params=True)


def check_onnx(path, in_name, in_shape, outs):
    """onnx.checker plus the package contract: names, float32, dynamic batch dim "N", per-sample shapes."""
    import onnx
    from onnx import TensorProto
    model = onnx.load(path)
    onnx.checker.check_model(model, full_check=True)
    if model.opset_import[0].version != OPSET:
        raise ValueError("%s: opset %d" % (path, model.opset_import[0].version))

    def check_value(v, name, shape):
        if v.name != name:
            raise ValueError("%s: tensor %r, expected %r" % (path, v.name, name))
        t = v.type.tensor_type
        if t.elem_type != TensorProto.FLOAT:
            raise ValueError("%s: %s is not float32" % (path, name))
        dims = t.shape.dim
        if len(dims) != 1 + len(shape) or dims[0].dim_param != "N":
            raise ValueError("%s: %s batch axis is not dynamic 'N' (%s)" % (path, name, dims))
        for d, s in zip(dims[1:], shape):
            if d.HasField("dim_value") and d.dim_value != s:
                raise ValueError("%s: %s shape %s, expected %s" % (path, name, dims, shape))

    if len(model.graph.input) != 1 or len(model.graph.output) != len(outs):
        raise ValueError("%s: %d inputs / %d outputs" % (path, len(model.graph.input), len(model.graph.output)))
    check_value(model.graph.input[0], in_name, in_shape)
    for v, (name, shape) in zip(model.graph.output, outs):
        check_value(v, name, shape)
    return model


def tensor_spec(name, shape):
    return {"name": name, "shape": list(shape), "dtype": "float32"}


def apply_condition(kind, param, unit, gen):
    """unit: [0,1] float32 (N,1,28,28). Returns the perturbed [0,1] images."""
    if kind == "clean":
        return unit
    if kind.startswith("noise"):
        noise = torch.randn(unit.shape, generator=gen, dtype=torch.float32)
        return (unit + param * noise).clamp_(0.0, 1.0)
    if kind.startswith("blur"):
        import torchvision.transforms.functional as TF
        return TF.gaussian_blur(unit, kernel_size=[BLUR_KERNEL, BLUR_KERNEL], sigma=[param, param])
    if kind.startswith("contrast"):
        mean = unit.mean(dim=(1, 2, 3), keepdim=True)
        return param * (unit - mean) + mean
    raise ValueError(kind)


def run_folded(fused, x, batch=500):
    outs = [[] for _ in range(NUM_BLOCKS)]
    with torch.no_grad():
        for s in range(0, len(x), batch):
            for i, lg in enumerate(fused(x[s:s + batch])):
                outs[i].append(lg)
    return [torch.cat(o) for o in outs]


def exit_stats(conf, pred, label):
    """Per exit: accuracy, mean confidence, and for each alpha the share with conf >= alpha and its accuracy."""
    stats = []
    for i in range(NUM_BLOCKS):
        ok = pred[:, i] == label
        e = {"exit": i + 1, "accuracy": float(ok.mean()), "mean_confidence": float(conf[:, i].mean()),
             "alpha": {}}
        for a in ALPHAS:
            sel = conf[:, i] >= a
            e["alpha"]["%.1f" % a] = {"share": float(sel.mean()),
                                      "accuracy": float(ok[sel].mean()) if sel.any() else None}
        stats.append(e)
    return stats


def write_trace(path, conf, pred, label):
    header = ",".join(["conf_%d" % (i + 1) for i in range(NUM_BLOCKS)]
                      + ["pred_%d" % (i + 1) for i in range(NUM_BLOCKS)] + ["label"])
    buf = io.StringIO()
    buf.write(header + "\n")
    for r in range(len(label)):
        buf.write(",".join(["%.6f" % c for c in conf[r]] + ["%d" % p for p in pred[r]] + ["%d" % label[r]]))
        buf.write("\n")
    write_gzip(path, buf.getvalue().encode("ascii"))


def export_package(args, model, history, train_info, data, log):
    out_dir = os.path.abspath(args.out)
    parent = os.path.dirname(out_dir)
    os.makedirs(parent, exist_ok=True)
    stage = tempfile.mkdtemp(prefix="." + os.path.basename(out_dir) + ".staging-", dir=parent)
    try:
        _export_into(stage, args, model, history, train_info, data, log)
        if os.path.exists(out_dir):
            old = out_dir + ".old-%d" % os.getpid()
            os.rename(out_dir, old)
            os.rename(stage, out_dir)
            shutil.rmtree(old)
        else:
            os.rename(stage, out_dir)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    log("package written to %s" % out_dir)
    return out_dir


def _export_into(stage, args, model, history, train_info, data, log):
    model = model.cpu().eval()
    folded = [FoldedBlock(b).eval() for b in model.blocks]
    heads = [h.eval() for h in model.exits]
    fused = FusedNet(folded, heads).eval()
    torch.set_grad_enabled(False)

    # ---- ONNX files
    shape = [1, 28, 28]
    block_entries, exit_entries = [], []
    example = torch.zeros(2, *shape)
    for i, (fb, head) in enumerate(zip(folded, heads), start=1):
        out_shape, flops, params = block_cost(fb, shape)
        bfile = "block_%02d.onnx" % i
        export_onnx(fb, example, os.path.join(stage, bfile), "x", ["y"])
        check_onnx(os.path.join(stage, bfile), "x", shape, [("y", out_shape)])
        block_entries.append({"index": i, "file": bfile, "sha256": sha256(os.path.join(stage, bfile)),
                              "input": tensor_spec("x", shape), "output": tensor_spec("y", out_shape),
                              "flops": flops, "params": params})
        feat = fb(example)
        efile = "exit_%02d.onnx" % i
        eflops, eparams = exit_cost(head)
        export_onnx(head, feat, os.path.join(stage, efile), "x", ["logits"])
        check_onnx(os.path.join(stage, efile), "x", out_shape, [("logits", [NUM_CLASSES])])
        exit_entries.append({"index": i, "file": efile, "sha256": sha256(os.path.join(stage, efile)),
                             "input": tensor_spec("x", out_shape), "output": tensor_spec("logits", [NUM_CLASSES]),
                             "flops": eflops, "params": eparams})
        example, shape = feat, out_shape
    out_names = ["logits_%d" % i for i in range(1, NUM_BLOCKS + 1)]
    export_onnx(fused, torch.zeros(2, 1, 28, 28), os.path.join(stage, "fused.onnx"), "input", out_names)
    check_onnx(os.path.join(stage, "fused.onnx"), "input", [1, 28, 28], [(o, [NUM_CLASSES]) for o in out_names])
    log("exported %d block, %d exit and 1 fused ONNX graph(s); onnx.checker passed" % (NUM_BLOCKS, NUM_BLOCKS))

    # ---- numerical verification
    test_u8 = torch.from_numpy(data["test_images"].copy())
    test_y = data["test_labels"].astype(np.int64)
    verify = verify_exports(stage, model, fused, folded, heads, test_u8, log)

    # ---- samples
    os.makedirs(os.path.join(stage, "samples"))
    img_path = os.path.join(stage, "samples", "images-idx3-ubyte.gz")
    lbl_path = os.path.join(stage, "samples", "labels-idx1-ubyte.gz")
    write_idx_prefix(os.path.join(args.data_dir, FILES["test_images"]), img_path, SAMPLE_COUNT)
    write_idx_prefix(os.path.join(args.data_dir, FILES["test_labels"]), lbl_path, SAMPLE_COUNT)
    write_data_notice(os.path.join(stage, "samples"))
    if not (np.array_equal(read_idx(img_path), data["test_images"][:SAMPLE_COUNT])
            and np.array_equal(read_idx(lbl_path), data["test_labels"][:SAMPLE_COUNT])):
        raise RuntimeError("samples do not read back as the first %d test records" % SAMPLE_COUNT)

    # ---- traces (folded float32 model = the exported graphs, on CPU)
    n_trace = args.trace_count or len(test_u8)
    os.makedirs(os.path.join(stage, "traces"))
    unit = to_unit(test_u8[:n_trace])
    labels = test_y[:n_trace]
    traces, stats = {}, {}
    near_ties = {}
    for ci, (name, param) in enumerate(CONDITIONS):
        gen = torch.Generator().manual_seed(args.seed * 1000 + 17 + ci)
        x = normalise(apply_condition(name, param, unit, gen)).contiguous()
        probs = [torch.softmax(lg, dim=1) for lg in run_folded(fused, x)]
        conf = np.stack([p.max(1).values.numpy() for p in probs], axis=1).astype(np.float64)
        pred = np.stack([p.argmax(1).numpy() for p in probs], axis=1)
        top2 = [torch.topk(p, 2, dim=1).values for p in probs]
        margin = np.stack([(t[:, 0] - t[:, 1]).numpy() for t in top2], axis=1)
        near_ties[name] = int((margin[:SAMPLE_COUNT] < 1e-5).sum())
        conf = np.round(conf, 6)
        rel = "traces/%s.csv.gz" % name
        write_trace(os.path.join(stage, rel), conf, pred, labels)
        traces[name] = rel
        stats[name] = exit_stats(conf, pred, labels)
        log("trace %-12s exit acc: %s" % (name, " ".join("%.3f" % s["accuracy"] for s in stats[name])))

    clean = stats["clean"]
    manifest = {
        "schema": 1,
        "id": MODEL_ID,
        "version": MODEL_VERSION,
        "framework": "torch %s" % torch.__version__,
        "opset": OPSET,
        "input": {"name": "input", "shape": [1, 28, 28], "dtype": "float32", "layout": "NCHW",
                  "image": {"height": 28, "width": 28, "channels": 1, "color": "grayscale"},
                  "normalisation": {"scale": SCALE, "mean": [MEAN], "std": [STD]}},
        "labels": LABELS,
        "blocks": block_entries,
        "exits": exit_entries,
        "fused": {"file": "fused.onnx", "sha256": sha256(os.path.join(stage, "fused.onnx")),
                  "input": tensor_spec("input", [1, 28, 28]),
                  "outputs": [tensor_spec(o, [NUM_CLASSES]) for o in out_names]},
        "samples": {"images": "samples/images-idx3-ubyte.gz", "labels": "samples/labels-idx1-ubyte.gz",
                    "count": SAMPLE_COUNT,
                    "sha256": {"samples/images-idx3-ubyte.gz": sha256(img_path),
                               "samples/labels-idx1-ubyte.gz": sha256(lbl_path)}},
        "traces": traces,
        "metrics": {"test_accuracy": [round(s["accuracy"], 6) for s in clean],
                    "mean_confidence": [round(s["mean_confidence"], 6) for s in clean]},
    }
    with open(os.path.join(stage, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    report = {
        "command": " ".join(sys.argv),
        "smoke": bool(args.smoke),
        "settings": {"epochs": args.epochs, "batch": args.batch, "peak_lr": args.lr,
                     "schedule": "linear warm-up (5% of steps, at most 1 epoch) then cosine to 0",
                     "optimizer": "SGD momentum 0.9 nesterov", "weight_decay": args.weight_decay,
                     "weight_decay_on": "conv and linear weights (not BN, not biases)",
                     "exit_loss_weights": [round(w, 6) for w in EXIT_WEIGHTS],
                     "augmentation": "random crop 28 from zero-padded 32 (pad 2), horizontal flip p=0.5",
                     "seed": args.seed, "threads": args.threads, "device": args.device,
                     "train_images": args.train_count or 60000,
                     "time_budget_min": args.time_budget_min},
        "training": dict(train_info, history=history),
        "traces": {"images": n_trace,
                   "conditions": {"clean": "unmodified",
                                  "noise-0.1": "x + 0.1*N(0,1) on [0,1] pixels, clipped to [0,1]",
                                  "noise-0.2": "x + 0.2*N(0,1) on [0,1] pixels, clipped to [0,1]",
                                  "blur-1": "torchvision gaussian_blur, sigma 1, kernel %dx%d, reflect padding"
                                            % (BLUR_KERNEL, BLUR_KERNEL),
                                  "contrast-0.5": "x' = 0.5*(x - mean of image) + mean of image"},
                   "noise_seed": "torch.Generator seeded seed*1000+17+condition index",
                   "near_ties_first_1000": near_ties},
        "verification": verify,
        "exit_stats": stats,
        "feature_bytes_fp32": [int(np.prod(b["output"]["shape"])) * 4 for b in block_entries],
    }
    with open(os.path.join(stage, "report.json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    log("final exit test accuracy (clean, exported graphs): %.4f" % clean[-1]["accuracy"])
    with open(os.path.join(stage, "train-log.txt"), "w") as f:
        f.write("\n".join(log.lines) + "\n")
    torch.set_grad_enabled(True)


def verify_exports(stage, model, fused, folded, heads, test_u8, log, n_onnx=8, n_torch=1000):
    """Three checks: (1) folded (exported) torch modules vs the trained eval-mode model on n_torch test
    images; (2) chained per-block/per-exit torch modules vs the fused module; (3) the ONNX files
    themselves, evaluated by a small float64 numpy interpreter, vs the folded torch modules."""
    import onnx
    x = normalise(to_unit(test_u8[:n_torch]))
    ref = [lg for lg in model.eval()(x)]
    fz = list(fused(x))
    d_fold = max(float((a - b).abs().max()) for a, b in zip(ref, fz))
    pred_agree = min(float((a.argmax(1) == b.argmax(1)).double().mean()) for a, b in zip(ref, fz))
    h = x
    chain = []
    for fb, head in zip(folded, heads):
        h = fb(h)
        chain.append(head(h))
    d_chain = max(float((a - b).abs().max()) for a, b in zip(chain, fz))

    xs = x[:n_onnx].numpy()
    h = xs
    d_onnx = 0.0
    for i in range(NUM_BLOCKS):
        bm = onnx.load(os.path.join(stage, "block_%02d.onnx" % (i + 1)))
        em = onnx.load(os.path.join(stage, "exit_%02d.onnx" % (i + 1)))
        h = np_run_onnx(bm, {"x": h})[0]
        lg = np_run_onnx(em, {"x": h})[0]
        d_onnx = max(d_onnx, float(np.abs(lg - fz[i][:n_onnx].numpy()).max()))
    fused_np = np_run_onnx(onnx.load(os.path.join(stage, "fused.onnx")), {"input": xs})
    d_fused = max(float(np.abs(a - b[:n_onnx].numpy()).max()) for a, b in zip(fused_np, fz))
    res = {"folded_vs_trained_max_abs_logit_diff": d_fold, "folded_vs_trained_min_pred_agreement": pred_agree,
           "chained_vs_fused_torch_max_abs_logit_diff": d_chain,
           "onnx_chain_vs_torch_max_abs_logit_diff": d_onnx, "onnx_fused_vs_torch_max_abs_logit_diff": d_fused,
           "images_torch": n_torch, "images_onnx": n_onnx}
    log("verify: folded vs trained %.2e (pred agreement >= %.4f), chained vs fused %.2e, "
        "ONNX blocks+exits (numpy fp64) vs torch %.2e, ONNX fused vs torch %.2e"
        % (d_fold, pred_agree, d_chain, d_onnx, d_fused))
    tol = 1e-3
    if d_fold > tol or d_chain > 1e-5 or d_onnx > tol or d_fused > tol:
        raise RuntimeError("export verification failed: %s" % res)
    return res


# ----------------------------------------------------------------------------------- main

def parse_args(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--out", default=None,
                   help="package directory (default models/fmnist-resnet12; with --smoke a new temp folder)")
    p.add_argument("--data-dir", default=DATA_DIR, help="folder with the Fashion-MNIST *-ubyte.gz files")
    p.add_argument("--epochs", type=int, default=15)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=0.1, help="peak learning rate")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--time-budget-min", type=float, default=None,
                   help="wall-clock budget for training (from start); the schedule is shortened to fit and "
                        "training stops cleanly, then the package is still exported (export takes ~1-3 min more)")
    p.add_argument("--smoke", action="store_true",
                   help="CI check: 512 training images, 1 epoch, 1,000 test images for eval and traces")
    p.add_argument("--checkpoint", default=None,
                   help="where to save the trained weights after each epoch (default: none for --smoke, "
                        "else /tmp/splitee-train/fmnist-resnet12.pt)")
    p.add_argument("--export-only", action="store_true", help="skip training: load --checkpoint and export")
    p.add_argument("--progress-every", type=int, default=100, help="log a line every this many steps (0: off)")
    p.add_argument("--train-count", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--eval-count", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--trace-count", type=int, default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.smoke:
        args.epochs = 1
        args.train_count = args.train_count or 512
        args.eval_count = args.eval_count or 1000
        args.trace_count = args.trace_count or 1000
        if args.out is None:
            args.out = os.path.join(tempfile.mkdtemp(prefix="splitee-smoke-"), MODEL_ID)
    else:
        if args.out is None:
            args.out = os.path.join(here, MODEL_ID)
        if args.checkpoint is None:
            args.checkpoint = "/tmp/splitee-train/%s.pt" % MODEL_ID
    if args.export_only and not (args.checkpoint and os.path.isfile(args.checkpoint)):
        p.error("--export-only needs an existing --checkpoint file")
    if args.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: no CUDA device available")
    for name in ("epochs", "batch", "threads"):
        if getattr(args, name) < 1:
            p.error("--%s must be >= 1" % name)
    return args


def main(argv=None):
    args = parse_args(argv)
    t_start = time.time()
    log = Log()
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False
    log("splitee models/train.py: torch %s, numpy %s, out %s%s" % (
        torch.__version__, np.__version__, args.out, " (smoke)" if args.smoke else ""))
    data = load_data(args.data_dir)
    if args.export_only:
        ck = torch.load(args.checkpoint, map_location="cpu")
        model = MultiExitNet()
        model.load_state_dict(ck["state_dict"])
        history = ck["history"]
        info = {"epochs_planned": ck["args"]["epochs"], "epochs_run": len(history), "stopped_early": None,
                "steps": history[-1]["steps"] if history else 0, "loaded_from_checkpoint": args.checkpoint}
        log("loaded %s (%d epochs)" % (args.checkpoint, len(history)))
    else:
        model, history, info = train(args, data, log, t_start)
    info["train_wall_s"] = round(time.time() - t_start, 1)
    export_package(args, model, history, info, data, log)
    log("done in %.1f min" % ((time.time() - t_start) / 60.0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
