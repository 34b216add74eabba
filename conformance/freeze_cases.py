#!/usr/bin/env python3
"""Build the freeze conformance cases and run TensorFlow's own freeze_graph on each.

Usage:  python conformance/freeze_cases.py OUTDIR [--fixtures DIR]

Every case is a normal TF1 checkpoint folder OUTDIR/<case>/ (`checkpoint` state file,
`model.ckpt-N.index/.data/.meta`, written by tf.compat.v1.train.Saver from a graph built with
the TF1 APIs, fixed seeds) plus `case.json`:

    {"case": "queue_batch", "prefix": "model.ckpt-3", "meta": "model.ckpt-3.meta",
     "about": "...", "variants": [{
        "name": "queue_batch",            # a row of the report
        "outputs": ["probs"],             # node names to freeze
        "feeds": {"batch:0": ARRAY},      # what a user of the inference graph feeds: its
                                          # placeholders, or for queue cases the dequeue
                                          # tensors Frost replaces by placeholders
        "expected": {"probs": ARRAY},     # the original checkpoint, restored in a session
                                          # (import_meta_graph + restore), run with `feeds`
        "frost_out": "frost_frozen.pb",   # where `frost freeze --out` writes
        "tf_catalogue": "...",            # what freezing.md says TF's freeze_graph does
        "tf": {"status": "PASS"|"FAIL", "stage", "reason", "max_abs_diff", "seconds", "modes"}
     }]}

ARRAY is freeze_common.encode's JSON form. `tf` is TensorFlow's freeze_graph (tensorflow.python.
tools.freeze_graph, --input_meta_graph + --input_checkpoint, binary) followed by a run of its
result fed as a deployed model is fed (placeholders only, 2 s time limit). OUTDIR/manifest.json
is written last and lists every variant.

The TF1 cases run here with disable_v2_behavior() (classic ref variables); the v2 control flow
case runs at the same time in a child process (`--v2cf OUTDIR`) that enables control flow v2,
and so does the big training graph (`--big OUTDIR`), to use both cores. Values shared with
make_checkpoints.py (special floats, full-range ints, odd strings) come from its helpers.
"""
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.dont_write_bytecode = True  # no __pycache__ in conformance/
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.python.tools import freeze_graph  # noqa: E402

from freeze_common import decode, deployed_feeds, encode, first_line, load_graph_def, residual_mlp, run_frozen  # noqa: E402
from make_checkpoints import STRINGS, slice_initializer, values_for  # noqa: E402

tf.compat.v1.logging.set_verbosity(tf.compat.v1.logging.ERROR)

FEATURES = 8
HIDDEN = 16
CLASSES = 5
BATCH = 4


# ----------------------------------------------------------------------------- helpers

def case_dir_for(outdir, case):
    path = os.path.join(outdir, case)
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    return path


def ref_var(name, value, dtype=None):
    return tf.compat.v1.Variable(value, name=name, dtype=dtype, use_resource=False)


def dense(h, units, name, use_resource=False):
    with tf.compat.v1.variable_scope(name):
        w = tf.compat.v1.get_variable("kernel", [h.shape[-1], units], use_resource=use_resource,
                                      initializer=tf.compat.v1.glorot_uniform_initializer())
        b = tf.compat.v1.get_variable("bias", [units], use_resource=use_resource,
                                      initializer=tf.compat.v1.random_normal_initializer(stddev=0.1))
        return tf.matmul(h, w) + b


def classifier_head(h, labels, scope):
    """The usual top of a TF1 classifier: `logits` (dense layer in `scope`), `probs` (softmax),
    `loss` (sparse softmax cross entropy) and the global step; returns (loss, step)."""
    logits = tf.identity(dense(h, CLASSES, scope), name="logits")
    tf.nn.softmax(logits, name="probs")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")
    return loss, tf.compat.v1.train.get_or_create_global_step()


def save(sess, case_dir, step, saver=None):
    saver = saver or tf.compat.v1.train.Saver()
    prefix = saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=step)
    return os.path.basename(prefix)


def meta_nodes(path):
    mg = tf.compat.v1.MetaGraphDef()
    with open(path, "rb") as f:
        mg.ParseFromString(f.read())
    return len(mg.graph_def.node)


def restore_and_run(case_dir, prefix, meta, outputs, feeds):
    """The expected outputs: the checkpoint restored into its own meta graph, run with feeds."""
    # Two CPU devices, so graphs placed on /cpu:1 (sharded_saver) restore as they were saved.
    config = tf.compat.v1.ConfigProto(device_count={"CPU": 2})
    with tf.Graph().as_default() as graph, tf.compat.v1.Session(graph=graph, config=config) as sess:
        saver = tf.compat.v1.train.import_meta_graph(os.path.join(case_dir, meta))
        saver.restore(sess, os.path.join(case_dir, prefix))
        sess.run(tf.compat.v1.tables_initializer())  # lookup tables (vocab_tables); a no-op elsewhere
        fetches = {o: graph.get_tensor_by_name(o + ":0") for o in outputs}
        feed_dict = {graph.get_tensor_by_name(k): v for k, v in feeds.items()}
        return sess.run(fetches, feed_dict)


def variant(name, outputs, feeds, expected, catalogue, frost_out="frost_frozen.pb", tf_modes=("meta",)):
    return {"name": name, "outputs": list(outputs), "feeds": {k: encode(v) for k, v in feeds.items()},
            "expected": {k: encode(v) for k, v in expected.items()}, "frost_out": frost_out,
            "tf_catalogue": catalogue, "tf_modes": list(tf_modes)}


def checkpoint_case(case_dir, prefix, about, variants):
    """Computes each variant's expected outputs from the saved checkpoint and writes case.json."""
    meta = prefix + ".meta"
    for v in variants:
        feeds = {k: decode(a) for k, a in v["feeds"].items()}
        got = restore_and_run(case_dir, prefix, meta, v["outputs"], feeds)
        v["expected"] = {k: encode(a) for k, a in got.items()}
    return {"case": os.path.basename(case_dir), "prefix": prefix, "meta": meta, "about": about,
            "nodes": meta_nodes(os.path.join(case_dir, meta)), "variants": variants}


# ----------------------------------------------------------------------------- TF freeze_graph

def tf_freeze_one(case_dir, case, v, mode):
    """freeze_graph in `mode` ("meta": --input_meta_graph; "graph": --input_graph, TF's default
    restore path that maps checkpoint keys to `key:0` tensors), then a deployed run."""
    os.makedirs(os.path.join(case_dir, "tf"), exist_ok=True)
    out = os.path.join(case_dir, "tf", f"{v['name'].replace('/', '_')}.{mode}.pb")
    prefix = os.path.join(case_dir, case.get("prefix") or "")
    meta = os.path.join(case_dir, case.get("meta") or "")
    kwargs = dict(input_saver="", input_binary=True, input_checkpoint=prefix,
                  output_node_names=",".join(v["outputs"]), restore_op_name="save/restore_all",
                  filename_tensor_name="save/Const:0", output_graph=out, clear_devices=True, initializer_nodes="")
    try:
        # (freeze_graph prints "Loaded meta graph file ..." on stdout.)
        with tf.Graph().as_default(), contextlib.redirect_stdout(io.StringIO()):
            if mode == "saved_model":
                kwargs.update(input_checkpoint=None, restore_op_name=None, filename_tensor_name=None)
                freeze_graph.freeze_graph(input_graph=None, input_saved_model_dir=case_dir, saved_model_tags="serve", **kwargs)
            elif mode == "meta":
                freeze_graph.freeze_graph(input_graph="", input_meta_graph=meta, **kwargs)
            else:
                # The plain GraphDef of the meta graph, as `tf.train.write_graph` would save it.
                mg = tf.compat.v1.MetaGraphDef()
                with open(meta, "rb") as f:
                    mg.ParseFromString(f.read())
                graph_pb = os.path.join(case_dir, "tf", "graph.pb")
                with open(graph_pb, "wb") as f:
                    f.write(mg.graph_def.SerializeToString())
                freeze_graph.freeze_graph(input_graph=graph_pb, **kwargs)
    except Exception as e:  # noqa: BLE001 - every failure is a verdict
        return {"status": "FAIL", "stage": "freeze", "reason": f"freeze_graph: {first_line(e)}"}
    gd = load_graph_def(out)
    feeds = deployed_feeds(gd, {k: decode(a) for k, a in v["feeds"].items()})
    expected = {k: decode(a) for k, a in v["expected"].items()}
    return run_frozen(gd, v["outputs"], feeds, expected)


def tf_freeze(case_dir, case):
    for v in case["variants"]:
        start = time.perf_counter()
        results = {mode: tf_freeze_one(case_dir, case, v, mode) for mode in v["tf_modes"]}
        headline = dict(results[v["tf_modes"][0]])
        if len(results) > 1:
            headline["reason"] = f"{v['tf_modes'][0]} path: {headline['reason']}; " + "; ".join(
                f"{m} path: {r['status']}" + ("" if r["status"] == "PASS" else f" ({r['reason']})")
                for m, r in list(results.items())[1:])
        headline["modes"] = results
        headline["seconds"] = round(time.perf_counter() - start, 2)
        v["tf"] = headline


def finish(outdir, case):
    """Runs TF's freeze_graph on the case and writes case.json; returns the case."""
    case_dir = os.path.join(outdir, case["case"])
    tf_freeze(case_dir, case)
    with open(os.path.join(case_dir, "case.json"), "w", encoding="utf-8") as f:
        json.dump(case, f, indent=1)
        f.write("\n")
    return case


# ----------------------------------------------------------------------------- queue cases

def write_tfrecords(path, rng, n=32):
    with tf.io.TFRecordWriter(path) as w:
        for i in range(n):
            ex = tf.train.Example(features=tf.train.Features(feature={
                "features": tf.train.Feature(float_list=tf.train.FloatList(value=rng.standard_normal(FEATURES))),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % CLASSES])),
            }))
            w.write(ex.SerializeToString())


def queue_case(outdir, name, shuffle):
    """string_input_producer over a TFRecord file + TFRecordReader + parse_single_example +
    batch/shuffle_batch of (float features, int label) -> MLP -> logits, probs, loss."""
    case_dir = case_dir_for(outdir, name)
    rng = np.random.RandomState(21 if shuffle else 20)
    records = os.path.join(case_dir, "train.tfrecord")
    write_tfrecords(records, rng)
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(1)
        files = tf.compat.v1.train.string_input_producer([records], shuffle=False)
        _, serialized = tf.compat.v1.TFRecordReader().read(files)
        parsed = tf.io.parse_single_example(serialized, {
            "features": tf.io.FixedLenFeature([FEATURES], tf.float32),
            "label": tf.io.FixedLenFeature([], tf.int64)})
        example = [parsed["features"], tf.cast(parsed["label"], tf.int32)]
        if shuffle:
            feats, labels = tf.compat.v1.train.shuffle_batch(example, BATCH, capacity=64, min_after_dequeue=8, seed=2)
        else:
            feats, labels = tf.compat.v1.train.batch(example, BATCH)
        h = tf.nn.relu(dense(feats, HIDDEN, "hidden1"))
        h = tf.nn.relu(dense(h, HIDDEN, "hidden2"))
        logits = tf.identity(dense(h, CLASSES, "out"), name="logits")
        tf.nn.softmax(logits, name="probs")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")
        tf.compat.v1.summary.scalar("loss", loss)
        step = tf.compat.v1.train.get_or_create_global_step()
        train = tf.compat.v1.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
        # A few training steps, fed through the dequeue outputs (deterministic: no queue threads).
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {feats: rng.standard_normal((BATCH, FEATURES)).astype(np.float32),
                                 labels: rng.randint(0, CLASSES, BATCH).astype(np.int32)})
            prefix = save(sess, case_dir, 3)
        f_name, l_name = feats.name, labels.name  # batch:0, batch:1 (shuffle_batch:0, :1)
    feeds = {f_name: rng.standard_normal((BATCH, FEATURES)).astype(np.float32)}
    feeds_with_label = {**feeds, l_name: np.array([1, 0, 4, 2], np.int32)}
    hang = "freeze passes but keeps the queue + dequeue: the frozen graph hangs on dequeue (§6.3, §8 row 7)"
    return checkpoint_case(case_dir, prefix, f"{'shuffle_batch' if shuffle else 'batch'} queue pipeline -> MLP", [
        variant(name, ["probs"], feeds, {}, hang),
        variant(f"{name}/probs+loss", ["probs", "loss"], feeds_with_label, {}, hang, frost_out="frost_frozen.probs+loss.pb"),
    ])


def queue_batch(outdir):
    return queue_case(outdir, "queue_batch", shuffle=False)


def queue_shuffle_batch(outdir):
    return queue_case(outdir, "queue_shuffle_batch", shuffle=True)


# ----------------------------------------------------------------------------- batch norm cond

def bn_cond_ref(outdir):
    """Batch norm with ref variables; moving mean/var updated with AssignSub inside
    tf.cond(is_training, ...) where is_training = placeholder_with_default(False)."""
    case_dir = case_dir_for(outdir, "bn_cond_ref")
    rng = np.random.RandomState(30)
    width = 6
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(3)
        x = tf.compat.v1.placeholder(tf.float32, [None, width], name="x")
        is_training = tf.compat.v1.placeholder_with_default(False, [], name="is_training")
        with tf.compat.v1.variable_scope("bn"):
            gamma = ref_var("gamma", rng.uniform(0.5, 1.5, width).astype(np.float32))
            beta = ref_var("beta", rng.standard_normal(width).astype(np.float32))
            moving_mean = ref_var("moving_mean", np.zeros(width, np.float32))
            moving_var = ref_var("moving_variance", np.ones(width, np.float32))
        decay = 0.9

        def train_branch():
            mean, var = tf.nn.moments(x, [0])
            update_mean = tf.compat.v1.assign_sub(moving_mean, (moving_mean - mean) * (1 - decay))
            update_var = tf.compat.v1.assign_sub(moving_var, (moving_var - var) * (1 - decay))
            with tf.control_dependencies([update_mean, update_var]):
                return tf.identity(mean), tf.identity(var)

        def infer_branch():
            return tf.identity(moving_mean), tf.identity(moving_var)

        mean, var = tf.cond(is_training, train_branch, infer_branch, name="bn_cond")
        h = tf.nn.batch_normalization(x, mean, var, beta, gamma, 1e-3)
        tf.identity(dense(tf.nn.relu(h), 3, "head"), name="y")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(5):  # update the moving statistics through the training branch
                sess.run([mean, var], {x: (rng.standard_normal((8, width)) * 2 + 1).astype(np.float32), is_training: True})
            prefix = save(sess, case_dir, 5)
    feeds = {"x:0": rng.standard_normal((5, width)).astype(np.float32), "is_training:0": np.array(False)}
    return checkpoint_case(case_dir, prefix, "batch norm, ref variables, AssignSub in tf.cond(is_training)", [
        variant("bn_cond_ref", ["y"], feeds, {}, "import fails: ... expected float_ref (§8 row 1, §11.6)")])


# ----------------------------------------------------------------------------- resource while loops

def resource_while(outdir, name):
    """Resource variables and a partitioned resource variable read inside a tf.while_loop; the
    control flow version is whatever this process has enabled."""
    case_dir = case_dir_for(outdir, name)
    rng = np.random.RandomState(40)
    width, vocab = 4, 10
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(4)
        x = tf.compat.v1.placeholder(tf.float32, [None, width], name="x")
        ids = tf.compat.v1.placeholder(tf.int32, [None], name="ids")
        w = tf.compat.v1.get_variable("w", initializer=(rng.standard_normal((width, width)) * 0.5).astype(np.float32), use_resource=True)
        b = tf.compat.v1.get_variable("b", initializer=rng.standard_normal(width).astype(np.float32), use_resource=True)
        emb = tf.compat.v1.get_variable(
            "emb", shape=[vocab, width], dtype=tf.float32, use_resource=True,
            initializer=slice_initializer(rng.standard_normal((vocab, width)).astype(np.float32)),
            partitioner=tf.compat.v1.fixed_size_partitioner(3))

        def body(i, h):
            e = tf.compat.v1.nn.embedding_lookup(emb, ids, partition_strategy="div")
            return i + 1, tf.tanh(tf.matmul(h, w) + b + e)

        _, h = tf.while_loop(lambda i, h: i < 3, body, [tf.constant(0), x])
        tf.identity(h, name="y")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1)
    feeds = {"x:0": rng.standard_normal((6, width)).astype(np.float32), "ids:0": np.array([0, 3, 4, 9, 7, 3], np.int32)}
    v2 = tf.compat.v1.control_flow_v2_enabled()
    catalogue = ("import fails: Node 'while' has an _output_shapes attribute inconsistent with the GraphDef" if v2
                 else "§11.5: reads in a v1 loop freeze fine (Enter retyped); a ResourceGather in the loop is not covered")
    return checkpoint_case(case_dir, prefix, f"resource + partitioned variables in a {'v2 (functional While)' if v2 else 'v1'} while loop", [
        variant(name, ["y"], feeds, {}, catalogue)])


def resource_while_v1(outdir):
    assert not tf.compat.v1.control_flow_v2_enabled()
    return resource_while(outdir, "resource_while_v1")


def resource_while_v2(outdir):
    assert tf.compat.v1.control_flow_v2_enabled()
    return resource_while(outdir, "resource_while_v2")


# ----------------------------------------------------------------------------- every dtype

NUMERIC = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128"]
BITS = {"float16": tf.uint16, "bfloat16": tf.uint16, "float32": tf.uint32, "float64": tf.int64}


def all_dtypes(outdir):
    """A variable of every dtype (values from make_checkpoints.values_for: NaN payloads,
    subnormals, infinities, full-range ints, odd strings). Outputs read every element:
    `values` (all casts to float64), `bits_<dtype>` (raw bits of each float/complex type, as
    int64), `ints` (exact ints),
    `words` (a string vocabulary gathered by `ids`) and `y` (x @ a float32 weight)."""
    case_dir = case_dir_for(outdir, "all_dtypes")
    rng = np.random.RandomState(50)
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 3], name="x")
        ids = tf.compat.v1.placeholder(tf.int32, [None], name="ids")
        made = {d: ref_var(f"vars/{d}", values_for(d, [2, 3], rng), tf.as_dtype(d)) for d in NUMERIC}
        vocab = ref_var("vars/vocab", np.array(STRINGS, dtype=object), tf.string)
        scalar = ref_var("vars/string_scalar", np.array("naïve — scalar".encode("utf-8"), dtype=object), tf.string)
        weight = ref_var("weight", rng.standard_normal((3, 2)).astype(np.float32))
        values, ints, bits = [], [], []
        for d, v in made.items():
            flat = tf.reshape(v, [-1])
            if d.startswith("complex"):
                parts = [tf.math.real(flat), tf.math.imag(flat)]  # real parts, then imaginary parts
                tf.concat([tf.cast(tf.bitcast(p, tf.uint32 if d == "complex64" else tf.int64), tf.int64) for p in parts], 0, name=f"bits_{d}")
                bits.append(f"bits_{d}")
                values += [tf.cast(p, tf.float64) for p in parts]
                continue
            values.append(tf.cast(tf.cast(flat, tf.float32), tf.float64) if d == "bfloat16" else tf.cast(flat, tf.float64))
            if d in BITS:
                tf.identity(tf.cast(tf.bitcast(flat, BITS[d]), tf.int64), name=f"bits_{d}")
                bits.append(f"bits_{d}")
            else:
                ints.append(tf.cast(flat, tf.int64))
        tf.concat(values, 0, name="values")
        tf.concat(ints, 0, name="ints")
        tf.strings.join([tf.gather(vocab, ids), scalar], separator="|", name="words")
        tf.matmul(x, weight, name="y")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1)
    feeds = {"x:0": rng.standard_normal((4, 3)).astype(np.float32), "ids:0": np.array([7, 0, 2, 1, 3, 6], np.int32)}
    return checkpoint_case(case_dir, prefix, "a ref variable of every dtype incl. strings; outputs read every value", [
        variant("all_dtypes", ["y", "values", "ints", "words", *bits], feeds, {},
                "not covered (§12: make_tensor_proto for half/bfloat16/complex/bool not checked)")])


# ----------------------------------------------------------------------------- renamed saver

def renamed_saver(outdir):
    """Saver({'w2': w1, 'w1': w2, 'custom/bias': b}): checkpoint keys differ from variable
    names (two are even swapped), so matching keys to `key:0` tensors restores wrong values or
    leaves variables uninitialized."""
    case_dir = case_dir_for(outdir, "renamed_saver")
    rng = np.random.RandomState(60)
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
        w1 = ref_var("w1", rng.standard_normal((4, 4)).astype(np.float32))
        w2 = ref_var("w2", rng.standard_normal((4, 4)).astype(np.float32))
        b = ref_var("b", rng.standard_normal(4).astype(np.float32))
        tf.matmul(tf.tanh(tf.matmul(x, w1) + b), w2, name="y")
        saver = tf.compat.v1.train.Saver({"w2": w1, "w1": w2, "custom/bias": b})
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1, saver)
    feeds = {"x:0": rng.standard_normal((3, 4)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, "Saver var_list dict: keys swapped/renamed", [
        variant("renamed_saver", ["y"], feeds, {},
                "default path (--input_graph) restores by key name: uninitialized value (§2.2 step 5.4, §8 row 5); "
                "--input_meta_graph passes", tf_modes=("graph", "meta"))])


# ----------------------------------------------------------------------------- more TF1 shapes of training output

class TinyLSTMCell:
    """A minimal LSTM cell for tf.compat.v1.nn.dynamic_rnn (Keras 3 removed the v1 cells):
    one ref kernel [in+units, 4*units] and bias, read inside the v1 while loop."""

    def __init__(self, units):
        self.units = units
        self.state_size = (units, units)
        self.output_size = units

    def zero_state(self, batch, dtype):
        return (tf.zeros([batch, self.units], dtype), tf.zeros([batch, self.units], dtype))

    def __call__(self, x, state, scope=None):
        c, h = state
        with tf.compat.v1.variable_scope("tiny_lstm", reuse=tf.compat.v1.AUTO_REUSE):
            k = tf.compat.v1.get_variable("kernel", [x.shape[-1] + self.units, 4 * self.units],
                                          initializer=tf.compat.v1.glorot_uniform_initializer())
            b = tf.compat.v1.get_variable("bias", [4 * self.units], initializer=tf.compat.v1.zeros_initializer())
        i, j, f, o = tf.split(tf.matmul(tf.concat([x, h], 1), k) + b, 4, axis=1)
        c = tf.sigmoid(f + 1.0) * c + tf.sigmoid(i) * tf.tanh(j)
        h = tf.sigmoid(o) * tf.tanh(c)
        return h, (c, h)


def lstm_dynamic_rnn(outdir):
    """dynamic_rnn over a ref-variable LSTM (v1 while loop with TensorArrays, sequence_length
    masking), a dense head, Adam (gradients through the loop: stack push/pop ops)."""
    case_dir = case_dir_for(outdir, "lstm_dynamic_rnn")
    rng = np.random.RandomState(90)
    steps, feat, units = 5, 3, 6
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(9)
        x = tf.compat.v1.placeholder(tf.float32, [None, steps, feat], name="x")
        lengths = tf.compat.v1.placeholder(tf.int32, [None], name="lengths")
        labels = tf.compat.v1.placeholder(tf.int32, [None], name="labels")
        _, (_, h) = tf.compat.v1.nn.dynamic_rnn(TinyLSTMCell(units), x, sequence_length=lengths, dtype=tf.float32)
        loss, step = classifier_head(h, labels, "head")
        train = tf.compat.v1.train.AdamOptimizer(0.01).minimize(loss, global_step=step)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {x: rng.standard_normal((4, steps, feat)).astype(np.float32),
                                 lengths: rng.randint(1, steps + 1, 4).astype(np.int32),
                                 labels: rng.randint(0, CLASSES, 4).astype(np.int32)})
            prefix = save(sess, case_dir, 3)
    feeds = {"x:0": rng.standard_normal((3, steps, feat)).astype(np.float32), "lengths:0": np.array([5, 2, 4], np.int32)}
    return checkpoint_case(case_dir, prefix, "dynamic_rnn LSTM (v1 while + TensorArrays) + Adam", [
        variant("lstm_dynamic_rnn", ["probs"], feeds, {}, "not in the catalogue (v1 loop reads of ref variables)")])


def conv_bn_fused(outdir):
    """conv2d + fused batch norm whose moving averages are updated by AssignMovingAvg ops in
    UPDATE_OPS (control dependency of the train op), a cond between training and inference
    batch norm on is_training = placeholder_with_default(False), dropout with a cond rate,
    max pool, dense head; Momentum optimizer."""
    case_dir = case_dir_for(outdir, "conv_bn_fused")
    rng = np.random.RandomState(91)
    channels = 4
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(10)
        images = tf.compat.v1.placeholder(tf.float32, [None, 8, 8, 1], name="images")
        labels = tf.compat.v1.placeholder(tf.int32, [None], name="labels")
        is_training = tf.compat.v1.placeholder_with_default(False, [], name="is_training")
        with tf.compat.v1.variable_scope("conv1"):
            k = tf.compat.v1.get_variable("kernel", [3, 3, 1, channels], initializer=tf.compat.v1.glorot_uniform_initializer())
            y = tf.nn.conv2d(images, k, strides=[1, 1, 1, 1], padding="SAME")
        with tf.compat.v1.variable_scope("bn1"):
            gamma = tf.compat.v1.get_variable("gamma", [channels], initializer=tf.compat.v1.ones_initializer())
            beta = tf.compat.v1.get_variable("beta", [channels], initializer=tf.compat.v1.zeros_initializer())
            mm = tf.compat.v1.get_variable("moving_mean", [channels], initializer=tf.compat.v1.zeros_initializer(), trainable=False)
            mv = tf.compat.v1.get_variable("moving_variance", [channels], initializer=tf.compat.v1.ones_initializer(), trainable=False)

            def train_bn():
                out, mean, var = tf.compat.v1.nn.fused_batch_norm(y, gamma, beta, epsilon=1e-3, is_training=True)
                return out, mean, var

            def infer_bn():
                out, _, _ = tf.compat.v1.nn.fused_batch_norm(y, gamma, beta, mean=mm, variance=mv, epsilon=1e-3, is_training=False)
                return out, tf.identity(mm), tf.identity(mv)

            out, mean, var = tf.cond(is_training, train_bn, infer_bn)
            for v, value in ((mm, mean), (mv, var)):
                tf.compat.v1.add_to_collection(tf.compat.v1.GraphKeys.UPDATE_OPS,
                                               tf.compat.v1.assign_sub(v, (v - value) * 0.1, name=f"AssignMovingAvg_{v.op.name.split('/')[-1]}"))
        h = tf.nn.max_pool2d(tf.nn.relu(out), 2, 2, "VALID")
        h = tf.reshape(h, [-1, 4 * 4 * channels])
        h = tf.nn.dropout(h, rate=tf.cond(is_training, lambda: 0.5, lambda: 0.0))
        loss, step = classifier_head(h, labels, "head")
        with tf.control_dependencies(tf.compat.v1.get_collection(tf.compat.v1.GraphKeys.UPDATE_OPS)):
            train = tf.compat.v1.train.MomentumOptimizer(0.05, 0.9).minimize(loss, global_step=step)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(4):
                sess.run(train, {images: rng.standard_normal((6, 8, 8, 1)).astype(np.float32) + 0.5,
                                 labels: rng.randint(0, CLASSES, 6).astype(np.int32), is_training: True})
            prefix = save(sess, case_dir, 4)
    feeds = {"images:0": rng.standard_normal((2, 8, 8, 1)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, "conv2d + fused batch norm (moving averages in UPDATE_OPS, cond on is_training) + dropout + Momentum", [
        variant("conv_bn_fused", ["probs"], feeds, {}, "float_ref family when the update ops are reached (§8 row 1)")])


def tfdata_iterator(outdir):
    """A tf.data pipeline (from_tensor_slices -> map -> shuffle -> batch -> repeat) through a
    one-shot iterator: the model reads IteratorGetNext, which Frost cuts into placeholders."""
    case_dir = case_dir_for(outdir, "tfdata_iterator")
    rng = np.random.RandomState(92)
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(11)
        feats = rng.standard_normal((32, FEATURES)).astype(np.float32)
        labs = rng.randint(0, CLASSES, 32).astype(np.int64)
        ds = tf.data.Dataset.from_tensor_slices((feats, labs)).map(lambda f, l: (f * 2.0, tf.cast(l, tf.int32)))
        ds = ds.shuffle(16, seed=3).batch(BATCH).repeat()
        x, y = tf.compat.v1.data.make_one_shot_iterator(ds).get_next()
        h = tf.nn.relu(dense(x, HIDDEN, "hidden"))
        loss, step = classifier_head(h, y, "out")
        train = tf.compat.v1.train.AdagradOptimizer(0.1).minimize(loss, global_step=step)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(3):
                sess.run(train)
            prefix = save(sess, case_dir, 3)
        x_name = x.name
    feeds = {x_name: rng.standard_normal((3, FEATURES)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, "tf.data one-shot iterator (IteratorGetNext) -> MLP + Adagrad", [
        variant("tfdata_iterator", ["probs"], feeds, {}, "keeps the iterator: the frozen graph reads the baked-in dataset, not its input")])


def sharded_saver(outdir):
    """Variables on two CPU devices and Saver(sharded=True): two data shards written by two
    SaveV2 ops and merged; the restore subgraph is per device (save/restore_shard_N)."""
    case_dir = case_dir_for(outdir, "sharded_saver")
    rng = np.random.RandomState(93)
    config = tf.compat.v1.ConfigProto(device_count={"CPU": 2})
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, FEATURES], name="x")
        with tf.device("/cpu:0"):
            h = tf.nn.relu(dense(x, HIDDEN, "encoder"))
        with tf.device("/cpu:1"):
            logits = tf.identity(dense(h, CLASSES, "decoder"), name="logits")
        saver = tf.compat.v1.train.Saver(sharded=True)
        with tf.compat.v1.Session(config=config) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1, saver)
    shards = [n for n in os.listdir(case_dir) if ".data-" in n]
    assert len(shards) == 2, shards
    feeds = {"x:0": rng.standard_normal((3, FEATURES)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, "Saver(sharded=True) over two devices: two data shards, per-device restore", [
        variant("sharded_saver", ["logits"], feeds, {}, "passes")])


def padded_slice_pipeline(outdir):
    """slice_input_producer over in-graph (id string, token list) pairs + batch(dynamic_pad=True)
    (a PaddingFIFOQueue whose dequeue has an unknown sequence dimension) -> bag-of-embeddings
    model over ref variables partitioned in 2 (mod strategy); the string id component is
    dequeued too but only `ids` feeds the model."""
    case_dir = case_dir_for(outdir, "padded_slice_pipeline")
    rng = np.random.RandomState(94)
    vocab, dim = 12, 4
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(12)
        names = tf.constant([f"ex{i}".encode() for i in range(6)])
        lengths = tf.constant([3, 1, 4, 2, 5, 2])
        name, length = tf.compat.v1.train.slice_input_producer([names, lengths], shuffle=False)
        tokens = tf.random.uniform([length], 0, vocab, tf.int32, seed=5)
        name_b, tokens_b = tf.compat.v1.train.batch([name, tokens], BATCH, dynamic_pad=True)
        emb = tf.compat.v1.get_variable("emb", [vocab, dim], partitioner=tf.compat.v1.fixed_size_partitioner(2),
                                        initializer=tf.compat.v1.random_normal_initializer(), use_resource=False)
        looked = tf.compat.v1.nn.embedding_lookup(emb, tokens_b, partition_strategy="mod")
        pooled = tf.reduce_sum(looked, axis=1)
        logits = tf.identity(dense(pooled, CLASSES, "head"), name="logits")
        tf.nn.softmax(logits, name="probs")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1)
        tokens_name = tokens_b.name
    feeds = {tokens_name: rng.randint(0, vocab, (BATCH, 7)).astype(np.int32)}
    hang = "freeze passes but keeps the queue + dequeue: the frozen graph hangs on dequeue (§6.3, §8 row 7)"
    return checkpoint_case(case_dir, prefix, "slice_input_producer + dynamic_pad batch (PaddingFIFOQueue) -> partitioned ref embeddings", [
        variant("padded_slice_pipeline", ["probs"], feeds, {}, hang)])


def resource_cond_v2(outdir):
    """Control flow v2: tf.cond becomes a functional If whose branches capture resource
    variables (ReadVariableOp inside the branch functions)."""
    case_dir = case_dir_for(outdir, "resource_cond_v2")
    rng = np.random.RandomState(95)
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4], name="x")
        use_b = tf.compat.v1.placeholder_with_default(True, [], name="use_b")
        wa = tf.compat.v1.get_variable("wa", initializer=rng.standard_normal((4, 3)).astype(np.float32), use_resource=True)
        wb = tf.compat.v1.get_variable("wb", initializer=rng.standard_normal((4, 3)).astype(np.float32), use_resource=True)
        y = tf.cond(use_b, lambda: tf.matmul(x, wb), lambda: tf.tanh(tf.matmul(x, wa)))
        tf.identity(y, name="y")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1)
    feeds = {"x:0": rng.standard_normal((3, 4)).astype(np.float32), "use_b:0": np.array(False)}
    return checkpoint_case(case_dir, prefix, "resource variables captured by the branches of a v2 If", [
        variant("resource_cond_v2", ["y"], feeds, {}, "not in the catalogue (functional If)")])


def ema_eval_saver(outdir):
    """Training with ExponentialMovingAverage, then the checkpoint a TF1 eval job writes:
    Saver(ema.variables_to_restore()) maps each shadow key `v/ExponentialMovingAverage` to the
    model variable, so the model computes with the averaged weights."""
    case_dir = case_dir_for(outdir, "ema_eval_saver")
    rng = np.random.RandomState(96)
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, FEATURES], name="x")
        labels = tf.compat.v1.placeholder(tf.int32, [None], name="labels")
        logits = tf.identity(dense(tf.nn.relu(dense(x, HIDDEN, "hidden")), CLASSES, "out"), name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        opt = tf.compat.v1.train.GradientDescentOptimizer(0.5).minimize(loss)
        ema = tf.compat.v1.train.ExponentialMovingAverage(0.5)
        with tf.control_dependencies([opt]):
            train = ema.apply(tf.compat.v1.trainable_variables())
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(4):
                sess.run(train, {x: rng.standard_normal((8, FEATURES)).astype(np.float32), labels: rng.randint(0, CLASSES, 8)})
            tf.compat.v1.train.Saver().save(sess, os.path.join(case_dir, "train.ckpt"))
    # The eval graph: the model alone, restored from the shadow values.
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, FEATURES], name="x")
        logits = tf.identity(dense(tf.nn.relu(dense(x, HIDDEN, "hidden")), CLASSES, "out"), name="logits")
        tf.nn.softmax(logits, name="probs")
        ema = tf.compat.v1.train.ExponentialMovingAverage(0.5)
        saver = tf.compat.v1.train.Saver(ema.variables_to_restore())
        with tf.compat.v1.Session() as sess:
            saver.restore(sess, os.path.join(case_dir, "train.ckpt"))
            prefix = save(sess, case_dir, 4, saver)
    for n in os.listdir(case_dir):
        if n.startswith("train.ckpt"):
            os.remove(os.path.join(case_dir, n))
    feeds = {"x:0": rng.standard_normal((3, FEATURES)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, "eval checkpoint of an EMA model: keys `*/ExponentialMovingAverage` restore the model variables", [
        variant("ema_eval_saver", ["probs"], feeds, {}, "--input_meta_graph passes; the default path maps keys to `key:0` (§8 row 5)",
                tf_modes=("meta", "graph"))])


def image_file_pipeline(outdir):
    """Images on disk: string_input_producer over PNG files + WholeFileReader + decode_png +
    resize + per-image standardization + shuffle_batch_join over two readers -> conv net."""
    case_dir = case_dir_for(outdir, "image_file_pipeline")
    rng = np.random.RandomState(97)
    files = []
    for i in range(4):
        path = os.path.join(case_dir, f"img{i}.png")
        with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
            data = sess.run(tf.io.encode_png(rng.randint(0, 255, (10, 12, 3)).astype(np.uint8)))
        with open(path, "wb") as f:
            f.write(data)
        files.append(path)
    with tf.Graph().as_default():
        tf.compat.v1.set_random_seed(13)
        queue = tf.compat.v1.train.string_input_producer(files, shuffle=False)
        examples = []
        for _ in range(2):
            _, contents = tf.compat.v1.WholeFileReader().read(queue)
            img = tf.image.resize(tf.cast(tf.io.decode_png(contents, channels=3), tf.float32), [8, 8])
            img.set_shape([8, 8, 3])
            examples.append([tf.image.per_image_standardization(img)])
        images = tf.compat.v1.train.shuffle_batch_join(examples, BATCH, capacity=16, min_after_dequeue=2, seed=4)  # one component: a tensor
        k = tf.compat.v1.get_variable("conv/kernel", [3, 3, 3, 4], initializer=tf.compat.v1.glorot_uniform_initializer())
        h = tf.nn.relu(tf.nn.conv2d(images, k, 2, "SAME"))
        logits = tf.identity(dense(tf.reshape(h, [-1, 4 * 4 * 4]), CLASSES, "head"), name="logits")
        tf.nn.softmax(logits, name="probs")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1)
        images_name = images.name
    feeds = {images_name: rng.standard_normal((BATCH, 8, 8, 3)).astype(np.float32)}
    hang = "freeze passes but keeps the queue + dequeue: the frozen graph hangs on dequeue (§6.3, §8 row 7)"
    return checkpoint_case(case_dir, prefix, "PNG files: WholeFileReader x2 + decode_png + shuffle_batch_join -> conv net", [
        variant("image_file_pipeline", ["probs"], feeds, {}, hang)])


def map_fn_scan(outdir):
    """tf.map_fn and tf.scan (v1 while loops over TensorArrays) whose bodies read ref variables."""
    case_dir = case_dir_for(outdir, "map_fn_scan")
    rng = np.random.RandomState(98)
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 5, 3], name="x")
        w = ref_var("w", rng.standard_normal((3, 3)).astype(np.float32))
        decay = ref_var("decay", np.float32(0.7))
        per_example = tf.map_fn(lambda seq: tf.tanh(tf.matmul(seq, w)), x)
        running = tf.scan(lambda acc, step: acc * decay + step, tf.transpose(per_example, [1, 0, 2]))
        tf.identity(running[-1], name="y")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1)
    feeds = {"x:0": rng.standard_normal((2, 5, 3)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, "tf.map_fn + tf.scan (v1 loops with TensorArrays) reading ref variables", [
        variant("map_fn_scan", ["y"], feeds, {}, "not in the catalogue")])


def sparse_features(outdir):
    """sparse_placeholder input -> embedding_lookup_sparse (mean combiner) -> dense head."""
    case_dir = case_dir_for(outdir, "sparse_features")
    rng = np.random.RandomState(99)
    vocab, dim = 20, 4
    with tf.Graph().as_default():
        sp = tf.compat.v1.sparse_placeholder(tf.int64, [None, None], name="tokens")
        emb = ref_var("emb", rng.standard_normal((vocab, dim)).astype(np.float32))
        pooled = tf.nn.embedding_lookup_sparse(emb, sp, None, combiner="mean")
        tf.identity(dense(pooled, CLASSES, "head"), name="logits")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            prefix = save(sess, case_dir, 1)
    feeds = {"tokens/indices:0": np.array([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]], np.int64),
             "tokens/values:0": np.array([3, 7, 1, 19, 0, 5], np.int64),
             "tokens/shape:0": np.array([3, 3], np.int64)}
    return checkpoint_case(case_dir, prefix, "sparse_placeholder + embedding_lookup_sparse", [
        variant("sparse_features", ["logits"], feeds, {}, "passes")])


def many_steps(outdir):
    """Three saves of one run (max_to_keep=5): the state file names the newest; freezing the
    folder must use step 30, not an older one."""
    case_dir = case_dir_for(outdir, "many_steps")
    rng = np.random.RandomState(100)
    with tf.Graph().as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, FEATURES], name="x")
        labels = tf.compat.v1.placeholder(tf.int32, [None], name="labels")
        logits = tf.identity(dense(x, CLASSES, "linear"), name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
        step = tf.compat.v1.train.get_or_create_global_step()
        train = tf.compat.v1.train.GradientDescentOptimizer(0.5).minimize(loss, global_step=step)
        saver = tf.compat.v1.train.Saver(max_to_keep=5)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for s in (10, 20, 30):
                for _ in range(10):
                    sess.run(train, {x: rng.standard_normal((8, FEATURES)).astype(np.float32), labels: rng.randint(0, CLASSES, 8)})
                prefix = save(sess, case_dir, s, saver)
    feeds = {"x:0": rng.standard_normal((3, FEATURES)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, "three steps in one folder; the newest (30) is frozen", [
        variant("many_steps", ["logits"], feeds, {}, "passes")])


def vocab_tables(outdir):
    """String features through lookup tables, as feature columns build them: a vocabulary list
    (HashTableV2 + LookupTableImportV2 … InitializeTableV2) and a vocabulary file
    (InitializeTableFromTextFileV2), both in `table_initializer`, run by `init_all_tables`."""
    case_dir = case_dir_for(outdir, "vocab_tables")
    rng = np.random.RandomState(103)
    vocab_file = os.path.join(case_dir, "colors.txt")
    with open(vocab_file, "w", encoding="utf-8") as f:
        f.write("red\ngreen\nblue\n")
    with tf.Graph().as_default():
        animal = tf.compat.v1.placeholder(tf.string, [None], name="animal")
        color = tf.compat.v1.placeholder(tf.string, [None], name="color")
        animals = tf.compat.v1.lookup.StaticHashTable(tf.compat.v1.lookup.KeyValueTensorInitializer(
            tf.constant(["cat", "dog", "owl"]), tf.constant([0, 1, 2], tf.int64)), -1, name="animal_table")
        colors = tf.compat.v1.lookup.StaticHashTable(tf.compat.v1.lookup.TextFileInitializer(
            vocab_file, tf.string, tf.compat.v1.lookup.TextFileIndex.WHOLE_LINE, tf.int64, tf.compat.v1.lookup.TextFileIndex.LINE_NUMBER), -1, name="color_table")
        a_emb = tf.compat.v1.get_variable("animal_emb", [4, 3])
        c_emb = tf.compat.v1.get_variable("color_emb", [4, 3])
        h = tf.concat([tf.nn.embedding_lookup(a_emb, animals.lookup(animal) + 1), tf.nn.embedding_lookup(c_emb, colors.lookup(color) + 1)], 1)
        tf.identity(dense(h, CLASSES, "head"), name="logits")
        with tf.compat.v1.Session() as sess:
            sess.run([tf.compat.v1.global_variables_initializer(), tf.compat.v1.tables_initializer()])
            prefix = save(sess, case_dir, 1)
    feeds = {"animal:0": np.array([b"dog", b"owl", b"yak"], dtype=object), "color:0": np.array([b"blue", b"pink", b"red"], dtype=object)}
    return checkpoint_case(case_dir, prefix, "lookup tables from a vocabulary list and a vocabulary file (feature-column style)", [
        variant("vocab_tables", ["logits"], feeds, {}, "keeps the tables but not their initializers: Table not initialized")])


# ----------------------------------------------------------------------------- TF2 SavedModels

def savedmodel_case(case_dir, about, feeds_by_input, catalogue):
    """A TF2 SavedModel written into case_dir: outputs are the serving signature's output
    tensors (`StatefulPartitionedCall:k`), feeds its input placeholders; expected values come
    from calling the loaded signature eagerly."""
    from tensorflow.core.protobuf import saved_model_pb2
    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(case_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    sig = sm.meta_graphs[0].signature_def["serving_default"]
    loaded = tf.saved_model.load(case_dir)
    result = loaded.signatures["serving_default"](**{k: tf.constant(v) for k, v in feeds_by_input.items()})
    outputs, expected = [], {}
    for key in sorted(sig.outputs):
        name = sig.outputs[key].name
        name = name[:-2] if name.endswith(":0") else name
        outputs.append(name)
        expected[name] = result[key].numpy()
    feeds = {sig.inputs[k].name: v for k, v in feeds_by_input.items()}
    return {"case": os.path.basename(case_dir), "prefix": "", "meta": "", "about": about,
            "nodes": len(sm.meta_graphs[0].graph_def.node),
            "variants": [variant(os.path.basename(case_dir), outputs, feeds, expected, catalogue, tf_modes=("saved_model",))]}


def tf2_module_savedmodel(outdir):
    """tf.saved_model.save of a tf.Module: three unnamed tf.Variables (all called "Variable"),
    a serving signature with two outputs; the restore runs inside a function."""
    case_dir = case_dir_for(outdir, "tf2_module_savedmodel")
    rng = np.random.RandomState(101)

    class Model(tf.Module):
        def __init__(self):
            self.w = tf.Variable(rng.standard_normal((4, 3)).astype(np.float32))
            self.b = tf.Variable(rng.standard_normal(3).astype(np.float32))
            self.scale = tf.Variable(np.float32(1.5))

        @tf.function(input_signature=[tf.TensorSpec([None, 4], tf.float32, name="x")])
        def __call__(self, x):
            logits = tf.matmul(x, self.w) + self.b
            return {"logits": logits, "probs": tf.nn.softmax(logits * self.scale)}

    m = Model()
    shutil.rmtree(case_dir)
    tf.saved_model.save(m, case_dir, signatures={"serving_default": m.__call__})
    return savedmodel_case(case_dir, "TF2 SavedModel of a tf.Module (same-named variables, restore in a function)",
                           {"x": rng.standard_normal((3, 4)).astype(np.float32)}, "freeze_graph needs a TF1 saver")


def keras_export_savedmodel(outdir):
    """Keras 3 model.export(): a functional MLP served through `serving_default`."""
    import keras
    case_dir = case_dir_for(outdir, "keras_export_savedmodel")
    rng = np.random.RandomState(102)
    keras.utils.set_random_seed(5)
    inp = keras.Input((6,), name="feats")
    h = keras.layers.Dense(8, activation="relu", name="hidden")(inp)
    out = keras.layers.Dense(CLASSES, activation="softmax", name="head")(h)
    model = keras.Model(inp, out)
    shutil.rmtree(case_dir)
    model.export(case_dir, verbose=False)
    return savedmodel_case(case_dir, "Keras 3 model.export() SavedModel",
                           {"feats": rng.standard_normal((3, 6)).astype(np.float32)}, "freeze_graph needs a TF1 saver")


# ----------------------------------------------------------------------------- big training graph

def big_training_graph(outdir, layers=300):
    """A deep narrow MLP with Adam, histogram + scalar summaries and a Saver: 20k+ nodes."""
    case_dir = case_dir_for(outdir, "big_training_graph")
    rng = np.random.RandomState(70)
    inputs, width = 16, 8
    with tf.Graph().as_default() as graph:
        tf.compat.v1.set_random_seed(7)
        x = tf.compat.v1.placeholder(tf.float32, [None, inputs], name="x")
        labels = tf.compat.v1.placeholder(tf.int64, [None], name="labels")
        h = residual_mlp(x, layers, width, per_layer=lambda w: tf.compat.v1.summary.histogram("kernel", w))
        logits = tf.identity(dense(h, CLASSES, "head"), name="logits")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")
        tf.compat.v1.summary.scalar("loss", loss)
        tf.compat.v1.summary.merge_all()
        step = tf.compat.v1.train.get_or_create_global_step()
        train = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss, global_step=step, name="train")
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            for _ in range(2):
                sess.run(train, {x: rng.standard_normal((16, inputs)).astype(np.float32), labels: rng.randint(0, CLASSES, 16)})
            prefix = save(sess, case_dir, 2)
        nodes = len(graph.as_graph_def().node)
    assert nodes >= 20000, nodes
    feeds = {"x:0": rng.standard_normal((5, inputs)).astype(np.float32)}
    return checkpoint_case(case_dir, prefix, f"{layers}-layer MLP + Adam + summaries, {nodes} nodes", [
        variant("big_training_graph", ["logits"], feeds, {}, "passes")])


# ----------------------------------------------------------------------------- fixture oracle pairs

FIXTURES = [
    # case, fixture folder, checkpoint prefix, meta, outputs, {input: (dtype, shape)}
    ("fixture_mnist_softmax_v1", "mnist-softmax-v1-freeze-oracle", "model.ckpt", "model.ckpt.meta", ["output"],
     {"input:0": (np.float32, (5, 784))}),
    ("fixture_simple_model", "simple-model-freeze-oracle", "simple_model", "simple_model.meta", ["Model/add"], {}),
]


def fixture_cases(outdir, fixtures_dir):
    """The shipped oracle pairs: a copy of the fixture folder; expected outputs = TF's shipped
    frozen_model.pb run with the feeds (checked against the restored checkpoint too)."""
    cases = []
    for case, folder, prefix, meta, outputs, inputs in FIXTURES:
        src = os.path.join(fixtures_dir, folder)
        if not os.path.isdir(src):
            print(f"  {case}: SKIP, fixture folder {src} is missing", flush=True)
            continue
        start = time.perf_counter()
        case_dir = os.path.join(outdir, case)
        if os.path.exists(case_dir):
            shutil.rmtree(case_dir)
        shutil.copytree(src, case_dir)
        rng = np.random.RandomState(80)
        feeds = {k: rng.random_sample(shape).astype(dt) for k, (dt, shape) in inputs.items()}
        restored = restore_and_run(case_dir, prefix, meta, outputs, feeds)
        shipped = load_graph_def(os.path.join(case_dir, "frozen_model.pb"))
        with tf.Graph().as_default() as graph, tf.compat.v1.Session(graph=graph) as sess:
            tf.compat.v1.import_graph_def(shipped, name="")
            expected = sess.run({o: o + ":0" for o in outputs}, {k: v for k, v in feeds.items()})
        for o in outputs:
            assert np.allclose(expected[o], restored[o], rtol=1e-5, atol=1e-5), (case, o)
        doc = {"case": case, "prefix": prefix, "meta": meta, "fixture": folder, "nodes": meta_nodes(os.path.join(case_dir, meta)),
               "about": f"fixture {folder}: expected = TF's shipped frozen_model.pb",
               "variants": [variant(case, outputs, feeds, expected, "passes (TF froze it itself)")]}
        cases.append(finish(outdir, doc))
        print(f"  {case}: {time.perf_counter() - start:.1f} s", flush=True)
    return cases


# ----------------------------------------------------------------------------- main

TF1_CASES = [queue_batch, queue_shuffle_batch, bn_cond_ref, resource_while_v1, all_dtypes, renamed_saver,
             lstm_dynamic_rnn, conv_bn_fused, tfdata_iterator, sharded_saver, padded_slice_pipeline,
             ema_eval_saver, image_file_pipeline, map_fn_scan, sparse_features, many_steps, vocab_tables]
CHILD_CASES = {"--v2cf": [resource_while_v2, resource_cond_v2], "--big": [big_training_graph],
               "--tf2": [tf2_module_savedmodel, keras_export_savedmodel]}


def run_cases(cases, outdir):
    done = []
    for make in cases:
        start = time.perf_counter()
        done.append(finish(outdir, make(outdir)))
        print(f"  {make.__name__}: {time.perf_counter() - start:.1f} s", flush=True)
    return done


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] in CHILD_CASES:
        if args[0] == "--v2cf":
            tf.compat.v1.disable_v2_behavior()
            tf.compat.v1.enable_control_flow_v2()
        elif args[0] == "--tf2":
            pass  # TF2 as users run it: eager, resource variables, tf.function
        else:
            tf.compat.v1.disable_v2_behavior()
        run_cases(CHILD_CASES[args[0]], args[1])
        return
    fixtures_dir = None
    if len(args) == 3 and args[1] == "--fixtures":
        fixtures_dir = args[2]
        args = args[:1]
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit("usage: freeze_cases.py OUTDIR [--fixtures DIR]")
    outdir = os.path.abspath(args[0])
    os.makedirs(outdir, exist_ok=True)
    start = time.perf_counter()
    children = [(flag, subprocess.Popen([sys.executable, os.path.abspath(__file__), flag, outdir], stdout=subprocess.PIPE, text=True))
                for flag in CHILD_CASES]
    tf.compat.v1.disable_v2_behavior()
    print(f"TensorFlow {tf.__version__}, numpy {np.__version__}", flush=True)
    try:
        run_cases(TF1_CASES, outdir)
        if fixtures_dir:
            fixture_cases(outdir, fixtures_dir)
    except BaseException:
        for _, child in children:
            child.kill()
        raise
    for flag, child in children:
        out, _ = child.communicate()
        sys.stdout.write(out)
        if child.returncode != 0:
            sys.exit(f"cases of {flag} failed (exit code {child.returncode})")
    names = [n for n in sorted(os.listdir(outdir)) if os.path.isfile(os.path.join(outdir, n, "case.json"))]
    order = [m.__name__ for m in TF1_CASES + CHILD_CASES["--v2cf"] + CHILD_CASES["--tf2"] + CHILD_CASES["--big"]] + [f[0] for f in FIXTURES]
    names.sort(key=lambda n: order.index(n) if n in order else len(order))
    variants = []
    for n in names:
        with open(os.path.join(outdir, n, "case.json"), encoding="utf-8") as f:
            case = json.load(f)
        variants += [{"name": v["name"], "case": n, "outputs": v["outputs"], "frost_out": v["frost_out"]} for v in case["variants"]]
    seconds = time.perf_counter() - start
    manifest = {"tf_version": tf.__version__, "numpy_version": np.__version__, "python": sys.version.split()[0],
                "seconds": round(seconds, 1), "cases": names, "variants": variants}
    with open(os.path.join(outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {len(names)} cases ({len(variants)} variants) to {outdir} in {seconds:.1f} s")


if __name__ == "__main__":
    main()
