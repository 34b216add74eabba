"""Test oracle for `frost diff --steps` (issue #7): real TensorFlow writes two steps of one
training run (a TF1 Saver over a plain, a partitioned and several dtypes of variables), then
reads both back with TensorFlow's own checkpoint reader and computes every value delta with
numpy in float64. Frost must report the same numbers.

usage: make_diff_steps.py OUT_DIR   (writes OUT_DIR/model.ckpt-{1,2}.* and OUT_DIR/expected.json)
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

tf.compat.v1.disable_eager_execution()
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)

step1 = {
    "dense/kernel": rng.standard_normal((64, 32)).astype(np.float32),
    "dense/bias": np.zeros(32, np.float32),
    "scale": rng.standard_normal(50).astype(np.float64),
    "counts": rng.integers(-1000, 1000, 40).astype(np.int32),
    "big_ids": (rng.integers(0, 2**20, 8).astype(np.int64) + np.int64(2**60)),
    "half": rng.standard_normal(30).astype(np.float16),
    "mask": rng.random(25) > 0.5,
    "emb": rng.standard_normal((100, 16)).astype(np.float32),
}
step2 = {k: v.copy() for k, v in step1.items()}
# A training step's worth of change: some elements move, some stay, one variable stays put.
k = step2["dense/kernel"]
k[::2] += (0.01 * rng.standard_normal(k[::2].shape)).astype(np.float32)
step2["scale"] *= 1.5
step2["counts"][::3] += 1
step2["big_ids"][0] += 1
step2["half"] = (step2["half"] + np.float16(0.01)).astype(np.float16)
step2["mask"][:5] = ~step2["mask"][:5]
step2["emb"][10:20] -= 0.25

graph = tf.Graph()
with graph.as_default():
    tf.compat.v1.train.get_or_create_global_step()
    plain = {}
    for name in ["dense/kernel", "dense/bias", "scale", "counts", "big_ids", "half", "mask"]:
        plain[name] = tf.compat.v1.get_variable(name, initializer=tf.constant(step1[name]), use_resource=False)
    emb = tf.compat.v1.get_variable(
        "emb", shape=(100, 16), dtype=tf.float32, partitioner=tf.compat.v1.fixed_size_partitioner(3), use_resource=False
    )
    saver = tf.compat.v1.train.Saver()
    gs = tf.compat.v1.train.get_global_step()
    with tf.compat.v1.Session() as sess:
        sess.run(tf.compat.v1.global_variables_initializer())
        for step, values in [(1, step1), (2, step2)]:
            for name, var in plain.items():
                var.load(values[name], sess)
            start = 0
            for part in emb:
                rows = part.get_shape().as_list()[0]
                part.load(values["emb"][start : start + rows], sess)
                start += rows
            gs.load(step * 100, sess)
            saver.save(sess, os.path.join(out, "model.ckpt"), global_step=step)


def stats(a, b):
    """The WeightDelta definitions of shared/model/diff.ts, in numpy float64."""
    x = a.astype(np.float64)
    y = b.astype(np.float64)
    # Exact difference for int64 (float64 cannot hold 2^60 + 1), then rounded like Frost does.
    d = (b.astype(np.int64) - a.astype(np.int64)).astype(np.float64) if a.dtype == np.int64 else y - x
    na, nb, nd = np.linalg.norm(x), np.linalg.norm(y), np.linalg.norm(d)
    changed = int(np.count_nonzero(a != b))
    return {
        "elements": int(a.size),
        "changed": changed,
        "changedPercent": 100.0 * changed / a.size,
        "maxAbs": float(np.max(np.abs(d))),
        "meanAbs": float(np.mean(np.abs(d))),
        "relL2": float(nd / na) if na > 0 else (0.0 if nd == 0 else None),
        "cosine": float(np.dot(x.ravel(), y.ravel()) / (na * nb)) if na > 0 and nb > 0 else None,
    }


r1 = tf.train.load_checkpoint(os.path.join(out, "model.ckpt-1"))
r2 = tf.train.load_checkpoint(os.path.join(out, "model.ckpt-2"))
keys = sorted(set(r1.get_variable_to_shape_map()) & set(r2.get_variable_to_shape_map()))
expected = {key: stats(r1.get_tensor(key), r2.get_tensor(key)) for key in keys}
with open(os.path.join(out, "expected.json"), "w") as f:
    json.dump(expected, f, indent=1)
print("wrote", len(expected), "expected deltas")
