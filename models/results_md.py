#!/usr/bin/python3
"""Prints the results tables of models/README.md from a package's report.json and manifest.json.

    /usr/bin/python3 models/results_md.py models/fmnist-resnet12
"""

import json
import os
import sys


def pct(v, digits=1):
    return "-" if v is None else "%.*f" % (digits, 100.0 * v)


def main(argv):
    pkg = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "fmnist-resnet12")
    with open(os.path.join(pkg, "report.json")) as f:
        report = json.load(f)
    with open(os.path.join(pkg, "manifest.json")) as f:
        manifest = json.load(f)
    stats = report["exit_stats"]
    alphas = sorted(stats["clean"][0]["alpha"])
    print("Clean test set (%d images), exported graphs (BN folded, float32):\n" % report["traces"]["images"])
    head = "| exit | after block | output | feature bytes (fp32) | block MFLOPs | cum. MFLOPs | accuracy % | mean conf |"
    sub = "|---:|---|---|---:|---:|---:|---:|---:|"
    for a in alphas:
        head += " share conf>=%s %% | acc there %% |" % a
        sub += "---:|---:|"
    print(head)
    print(sub)
    cum = 0
    for e, b, x in zip(stats["clean"], manifest["blocks"], manifest["exits"]):
        cum += b["flops"]
        row = "| %d | %d | %s | %d | %.2f | %.2f | %s | %.3f |" % (
            e["exit"], b["index"], "x".join(str(d) for d in b["output"]["shape"]), report["feature_bytes_fp32"][e["exit"] - 1],
            b["flops"] / 1e6, (cum + x["flops"]) / 1e6, pct(e["accuracy"], 2), e["mean_confidence"])
        for a in alphas:
            row += " %s | %s |" % (pct(e["alpha"][a]["share"]), pct(e["alpha"][a]["accuracy"]))
        print(row)
    print("\nPer-exit accuracy %% under each trace condition (%d test images):\n" % report["traces"]["images"])
    names = list(stats)
    print("| exit | " + " | ".join(names) + " |")
    print("|---:|" + "---:|" * len(names))
    for i in range(len(stats["clean"])):
        print("| %d | " % (i + 1) + " | ".join(pct(stats[n][i]["accuracy"]) for n in names) + " |")
    print("\nTraining history (test accuracy %, exits 1 / 4 / 8 / 12):\n")
    print("| epoch | lr at end | train loss | exit 1 | exit 4 | exit 8 | exit 12 | epoch s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for h in report["training"]["history"]:
        t = h["test_acc"]
        print("| %d | %.4f | %.4f | %s | %s | %s | %s | %.0f |" % (
            h["epoch"], h["lr_last"], h["train_loss"], pct(t[0]), pct(t[3]), pct(t[7]), pct(t[11]), h["epoch_s"]))
    v = report["verification"]
    print("\nVerification: folded vs trained max |logit diff| %.1e; ONNX (numpy float64 reference) vs torch %.1e; "
          "near ties (top-2 softmax gap < 1e-5) in the first 1,000 clean images: %d."
          % (v["folded_vs_trained_max_abs_logit_diff"], max(v["onnx_chain_vs_torch_max_abs_logit_diff"],
                                                             v["onnx_fused_vs_torch_max_abs_logit_diff"]),
             report["traces"]["near_ties_first_1000"]["clean"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
