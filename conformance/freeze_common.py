"""Helpers shared by the freeze conformance scripts (freeze_cases.py builds the cases and runs
TensorFlow's freeze_graph on them; freeze_check.py judges Frost's frozen graphs).

Arrays travel through JSON as {"dtype", "shape", "b64"} (C-order little-endian bytes, as numpy
holds them) or, for strings, {"dtype": "string", "shape", "strings_b64": [...]}. A frozen graph
is judged by importing it into a fresh graph, running it with a time limit (a graph that still
waits on a queue "hangs on dequeue") and comparing every output with the expected values:
np.allclose(rtol=1e-5, atol=1e-5) for floating types (NaN equals NaN), exact for everything
else. Needs tensorflow and numpy only.
"""
import base64
import os
import re

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

RTOL = 1e-5
ATOL = 1e-5
RUN_TIMEOUT_MS = 2000

# Ops that must not survive freezing (freezing.md §9): variables and their state ops, saver
# ops, queues and readers. Searched in the graph and in every library function.
FORBIDDEN_OP = re.compile(
    r"^(Variable|VariableV2|TemporaryVariable|VarHandleOp|ReadVariableOp|VarIsInitializedOp|IsVariableInitialized"
    r"|Assign\w*|Scatter\w*|Apply\w*|ResourceApply\w*|ResourceScatter\w*|ResourceGather\w*|VariableShape"
    r"|Save\w*|Restore\w*|MergeV2Checkpoints|ShardedFilename"
    r"|\w*Queue\w*|\w*Reader\w*|Ref\w+)$")
DEQUEUE_OP = re.compile(r"^(QueueDequeue\w*|IteratorGetNext\w*)$")


# ----------------------------------------------------------------------------- arrays <-> JSON

def encode(value):
    arr = np.asarray(value)
    if arr.dtype == object or arr.dtype.kind in ("S", "U"):
        items = [s if isinstance(s, bytes) else str(s).encode("utf-8") for s in arr.reshape(-1)]
        return {"dtype": "string", "shape": list(arr.shape), "strings_b64": [base64.b64encode(s).decode("ascii") for s in items]}
    arr = np.ascontiguousarray(arr) if arr.ndim else arr
    return {"dtype": tf.as_dtype(arr.dtype).name, "shape": list(arr.shape),
            "b64": base64.b64encode(arr.tobytes()).decode("ascii")}


def decode(doc):
    if doc["dtype"] == "string":
        items = [base64.b64decode(s) for s in doc["strings_b64"]]
        return np.array(items, dtype=object).reshape(doc["shape"])
    np_dtype = tf.as_dtype(doc["dtype"]).as_numpy_dtype
    return np.frombuffer(base64.b64decode(doc["b64"]), dtype=np_dtype).reshape(doc["shape"]).copy()


def tensor_name(name):
    """`node` -> `node:0`; `node:k` unchanged."""
    return name if re.search(r":\d+$", name) else name + ":0"


def node_name(name):
    return re.sub(r":\d+$", "", name.lstrip("^"))


# ----------------------------------------------------------------------------- judging

NOISE = re.compile(r"^(Graph execution error:|Detected at node|Node:|File \"|Original stack trace|\[\[|\s*$)")


def first_line(exc):
    """`ErrorType: first meaningful line` (a session error starts with "Graph execution error:"
    and "Detected at node ..." lines before the message that matters)."""
    text = exc.message if isinstance(exc, tf.errors.OpError) else str(exc)
    lines = [ln.strip() for ln in text.splitlines() if not NOISE.match(ln.strip())]
    line = lines[0] if lines else text.strip()
    line = f"{type(exc).__name__}: {line}" if line else type(exc).__name__
    return line if len(line) <= 300 else line[:297] + "..."


def forbidden_ops(graph_def):
    """'node (Op)' for every forbidden op in the graph or its function library."""
    found = [f"{n.name} ({n.op})" for n in graph_def.node if FORBIDDEN_OP.match(n.op)]
    for fn in graph_def.library.function:
        found += [f"{fn.signature.name}/{n.name} ({n.op})" for n in fn.node_def if FORBIDDEN_OP.match(n.op)]
    return found


def load_graph_def(path):
    gd = tf.compat.v1.GraphDef()
    with open(path, "rb") as f:
        gd.ParseFromString(f.read())
    return gd


def compare(expected, actual):
    """(ok, reason, {output: max abs difference or None}) for two {output: array} dicts."""
    diffs, problems = {}, []
    for name, want in expected.items():
        got = actual.get(name)
        if got is None:
            problems.append(f"{name}: not fetched")
            diffs[name] = None
            continue
        got = np.asarray(got)
        if got.shape != want.shape:
            problems.append(f"{name}: shape {list(got.shape)} != expected {list(want.shape)}")
            diffs[name] = None
            continue
        if want.dtype == object:
            same = got.dtype == object and all(a == b for a, b in zip(got.reshape(-1), want.reshape(-1)))
            diffs[name] = 0.0 if same else None
            if not same:
                problems.append(f"{name}: strings differ")
            continue
        if got.dtype != want.dtype:
            problems.append(f"{name}: dtype {got.dtype} != expected {want.dtype}")
            diffs[name] = None
            continue
        if want.dtype.kind in ("f", "c") or want.dtype == tf.bfloat16.as_numpy_dtype:
            g, w = got.astype(np.complex128 if want.dtype.kind == "c" else np.float64), want.astype(
                np.complex128 if want.dtype.kind == "c" else np.float64)
            finite = np.isfinite(g) & np.isfinite(w)
            diffs[name] = float(np.max(np.abs(g[finite] - w[finite]), initial=0.0))
            if not np.allclose(g, w, rtol=RTOL, atol=ATOL, equal_nan=True):
                problems.append(f"{name}: values differ (max abs diff {diffs[name]:.3g})")
        else:
            diffs[name] = float(np.max(np.abs(got.astype(np.float64) - want.astype(np.float64)), initial=0.0))
            if not np.array_equal(got, want):
                bad = np.argwhere(got != want)[0]
                g, w = got[tuple(bad)].item(), want[tuple(bad)].item()
                show = (lambda x: f"{x} (0x{x & (2**64 - 1):x})") if want.dtype.kind in ("i", "u") else repr
                problems.append(f"{name}: {int(np.sum(got != want))} of {want.size} values differ, "
                                f"first at {list(bad)}: {show(g)} vs expected {show(w)}")
    return not problems, "; ".join(problems), diffs


def run_frozen(graph_def, outputs, feeds, expected, init_ops=()):
    """Imports `graph_def` into a fresh graph, runs `init_ops` once (the lookup tables' init op
    a manifest names), feeds {tensor name: array}, runs `outputs` (node names) with a time limit
    and compares with `expected` ({output: array}).
    Returns {"status": "PASS"|"FAIL", "stage", "reason", "max_abs_diff"}."""
    with tf.Graph().as_default() as graph:
        try:
            tf.compat.v1.import_graph_def(graph_def, name="")
        except Exception as e:  # noqa: BLE001 - any import error is the verdict
            return {"status": "FAIL", "stage": "import", "reason": f"import: {first_line(e)}"}
        options = tf.compat.v1.RunOptions(timeout_in_ms=RUN_TIMEOUT_MS)
        try:
            fetches = {o: graph.get_tensor_by_name(tensor_name(o)) for o in outputs}
            feed_dict = {graph.get_tensor_by_name(tensor_name(k)): v for k, v in feeds.items()}
            with tf.compat.v1.Session(graph=graph) as sess:
                for op in init_ops:
                    sess.run(graph.get_operation_by_name(op), options=options)
                actual = sess.run(fetches, feed_dict, options=options)
        except tf.errors.DeadlineExceededError:
            dequeues = [n.name for n in graph_def.node if DEQUEUE_OP.match(n.op)]
            reason = f"hangs on dequeue ({', '.join(dequeues)})" if dequeues else f"run timed out after {RUN_TIMEOUT_MS} ms"
            return {"status": "FAIL", "stage": "run", "reason": reason}
        except Exception as e:  # noqa: BLE001
            return {"status": "FAIL", "stage": "run", "reason": f"run: {first_line(e)}"}
    ok, why, diffs = compare(expected, actual)
    result = {"status": "PASS" if ok else "FAIL", "stage": "compare", "reason": why or "outputs match", "max_abs_diff": diffs}
    return result


def deployed_feeds(graph_def, feeds):
    """The recorded feeds a deployed model can take: only those whose node is a placeholder of
    `graph_def` (a dequeue output cannot be fed once the graph is deployed)."""
    placeholders = {n.name for n in graph_def.node if n.op in ("Placeholder", "PlaceholderWithDefault")}
    return {k: v for k, v in feeds.items() if node_name(k) in placeholders}


def residual_mlp(x, layers, width, per_layer=None):
    """A deep, narrow MLP whose layers are `layer_000`, `layer_001`, ... (kernel + bias, ReLU,
    residual once the width matches, which keeps gradients alive through hundreds of layers).
    The big training graphs of the conformance suite and the bench are built from it;
    `per_layer(kernel)` may add nodes (e.g. summaries) inside each layer's scope."""
    h = x
    for i in range(layers):
        with tf.compat.v1.variable_scope(f"layer_{i:03d}"):
            fan_in = h.shape[-1]
            w = tf.compat.v1.get_variable("kernel", [fan_in, width], initializer=tf.compat.v1.glorot_uniform_initializer())
            b = tf.compat.v1.get_variable("bias", [width], initializer=tf.compat.v1.zeros_initializer())
            h = tf.nn.relu(tf.matmul(h, w) + b) + (h if fan_in == width else 0.0)
            if per_layer is not None:
                per_layer(w)
    return h
