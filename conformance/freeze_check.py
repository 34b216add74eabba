#!/usr/bin/env python3
"""Judge Frost's frozen graphs against the conformance cases; write the report.

Usage:  python conformance/freeze_check.py OUTDIR REPORT_JSON

OUTDIR is a build of freeze_cases.py. OUTDIR/frost_results.json (written by
build/scripts/conformance.mjs) holds, per variant, how `frost freeze ... --json` went:
{"available": bool, "reason"?, "exit", "ms", "manifest"?, "stderr"?}. For each variant this
imports the frozen .pb into TensorFlow, feeds every manifest input (the recorded value of the
original tensor it `replaces`, else of the placeholder with its name), runs the outputs, compares
them with the expected outputs (rtol = atol = 1e-5, exact for ints, bools and strings) and checks
that no variable, assign, save/restore, queue or reader op is left (function bodies included).
TensorFlow's own freeze_graph verdict was recorded when the case was built.
"""
import json
import os
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in conformance/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from freeze_common import decode, forbidden_ops, load_graph_def, run_frozen, tensor_name  # noqa: E402


def frost_verdict(case_dir, v, result):
    if result is None or not result.get("available"):
        why = (result or {}).get("reason") or "the frost freeze command was not run"
        return {"status": "N/A", "reason": f"frost: not available ({why})"}
    base = {"ms": result.get("ms")}
    if result.get("exit") != 0:
        return {**base, "status": "FAIL", "stage": "freeze", "reason": f"frost freeze exit {result.get('exit')}: {result.get('stderr') or ''}".strip()}
    manifest = result.get("manifest")
    if not isinstance(manifest, dict):
        return {**base, "status": "FAIL", "stage": "freeze", "reason": "frost freeze --json printed no manifest JSON"}
    pb = os.path.join(case_dir, v["frost_out"])
    if not os.path.isfile(pb):
        return {**base, "status": "FAIL", "stage": "freeze", "reason": f"{v['frost_out']} was not written"}
    base["nodes"] = manifest.get("nodes")
    base["inputs"] = [{k: i.get(k) for k in ("name", "dtype", "shape", "replaces") if k in i} for i in manifest.get("inputs") or []]
    base["warnings"] = len(manifest.get("warnings") or [])
    try:
        gd = load_graph_def(pb)
    except Exception as e:  # noqa: BLE001
        return {**base, "status": "FAIL", "stage": "parse", "reason": f"not a GraphDef: {e}"}
    recorded = {tensor_name(k): decode(a) for k, a in v["feeds"].items()}
    feeds, missing = {}, []
    for inp in manifest.get("inputs") or []:
        source = tensor_name(inp.get("replaces") or inp["name"])
        if source in recorded:
            feeds[tensor_name(inp["name"])] = recorded[source]
        elif not inp.get("optional"):  # a PlaceholderWithDefault may stay unfed
            missing.append(f"{inp['name']}" + (f" (replaces {inp['replaces']})" if inp.get("replaces") else ""))
    if missing:
        return {**base, "status": "FAIL", "stage": "feed", "reason": f"no recorded value for manifest input(s) {', '.join(missing)}"}
    expected = {k: decode(a) for k, a in v["expected"].items()}
    verdict = {**base, **run_frozen(gd, v["outputs"], feeds, expected, manifest.get("initOps") or ())}
    left = forbidden_ops(gd)
    if left:
        more = f" (+{len(left) - 5} more)" if len(left) > 5 else ""
        note = f"left in the frozen graph: {', '.join(left[:5])}{more}"
        verdict["forbidden_ops"] = left
        verdict["reason"] = note if verdict["status"] == "PASS" else f"{verdict['reason']}; {note}"
        verdict["status"] = "FAIL"
    return verdict


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: freeze_check.py OUTDIR REPORT_JSON")
    outdir, report_path = sys.argv[1], sys.argv[2]
    tf.compat.v1.disable_v2_behavior()
    tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)
    with open(os.path.join(outdir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    results_path = os.path.join(outdir, "frost_results.json")
    frost = {}
    if os.path.exists(results_path):
        with open(results_path, encoding="utf-8") as f:
            frost = json.load(f)
    only = set(frost.get("only") or [])
    rows = []
    start = time.perf_counter()
    for entry in manifest["variants"]:
        if only and entry["name"] not in only:
            continue
        case_dir = os.path.join(outdir, entry["case"])
        with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as f:
            case = json.load(f)
        v = next(x for x in case["variants"] if x["name"] == entry["name"])
        t0 = time.perf_counter()
        verdict = frost_verdict(case_dir, v, (frost.get("variants") or {}).get(v["name"]))
        verdict["check_seconds"] = round(time.perf_counter() - t0, 2)
        tf_result = {k: v["tf"].get(k) for k in ("status", "stage", "reason", "max_abs_diff", "seconds")}
        tf_result["catalogue"] = v["tf_catalogue"]
        rows.append({"case": v["name"], "folder": case_dir, "about": case["about"], "nodes": case.get("nodes"), "outputs": v["outputs"],
                     "tf": tf_result, "frost": verdict})
    report = {
        "tf_version": manifest["tf_version"],
        "numpy_version": np.__version__,
        "cases_dir": os.path.abspath(outdir),
        "build_seconds": manifest["seconds"],
        "check_seconds": round(time.perf_counter() - start, 1),
        "frost": {k: frost.get(k) for k in ("available", "reason", "seconds")},
        "rows": rows,
        "summary": {
            "tf": {s: sum(r["tf"]["status"] == s for r in rows) for s in ("PASS", "FAIL")},
            "frost": {s: sum(r["frost"]["status"] == s for r in rows) for s in ("PASS", "FAIL", "N/A")},
        },
    }
    os.makedirs(os.path.dirname(os.path.abspath(report_path)), exist_ok=True)
    with open(report_path, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
