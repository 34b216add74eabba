#!/usr/bin/env python3
"""Write a large TF1 training graph (about 30k nodes) with a checkpoint, for `npm run bench`.

Usage:  python bench/make_meta_30k.py OUT_PREFIX [LAYERS]

Builds a LAYERS-deep (default 450) MLP with narrow layers (width 8), a softmax loss and
Adam, then saves it with a TF1 Saver: OUT_PREFIX.meta (the MetaGraph, several MB: the whole
forward, gradient and optimizer graph), OUT_PREFIX.index / .data-00000-of-00001 (small:
weights, biases and the two Adam slots of each) and a `checkpoint` state file beside them.
Prints the node count, the .meta size and the time taken. Needs tensorflow and numpy only;
deterministic (fixed seeds).
"""
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance"))
from freeze_common import residual_mlp  # noqa: E402

WIDTH = 8
INPUTS = 16
CLASSES = 4


def build(layers):
    tf.compat.v1.set_random_seed(1)
    x = tf.compat.v1.placeholder(tf.float32, [None, INPUTS], name="x")
    labels = tf.compat.v1.placeholder(tf.int64, [None], name="labels")
    h = residual_mlp(x, layers, WIDTH)
    with tf.compat.v1.variable_scope("logits"):
        w = tf.compat.v1.get_variable("kernel", [WIDTH, CLASSES])
        b = tf.compat.v1.get_variable("bias", [CLASSES], initializer=tf.compat.v1.zeros_initializer())
        logits = tf.matmul(h, w) + b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits), name="loss")
    step = tf.compat.v1.train.get_or_create_global_step()
    train = tf.compat.v1.train.AdamOptimizer(1e-3).minimize(loss, global_step=step, name="train")
    tf.identity(tf.nn.softmax(logits), name="probabilities")
    return x, labels, train


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: make_meta_30k.py OUT_PREFIX [LAYERS]")
    prefix = os.path.abspath(sys.argv[1])
    layers = int(sys.argv[2]) if len(sys.argv) == 3 else 450
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    start = time.perf_counter()
    tf.compat.v1.disable_v2_behavior()
    with tf.Graph().as_default() as graph:
        x, labels, train = build(layers)
        saver = tf.compat.v1.train.Saver()
        rng = np.random.RandomState(0)
        feed = {x: rng.standard_normal((32, INPUTS)).astype(np.float32), labels: rng.randint(0, CLASSES, 32)}
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            sess.run(train, feed)  # one step, so the Adam slots hold real values
            saved = saver.save(sess, prefix, global_step=None)
        nodes = len(graph.as_graph_def().node)
    seconds = time.perf_counter() - start
    meta_bytes = os.path.getsize(saved + ".meta")
    data_bytes = sum(os.path.getsize(os.path.join(os.path.dirname(saved), f))
                     for f in os.listdir(os.path.dirname(saved))
                     if f.startswith(os.path.basename(saved) + ".data-") or f == os.path.basename(saved) + ".index")
    print(f"prefix {saved}")
    print(f"layers {layers}, nodes {nodes}, variables {len(tf.compat.v1.train.list_variables(saved))}")
    print(f".meta {meta_bytes} bytes ({meta_bytes / 1e6:.1f} MB), checkpoint {data_bytes} bytes")
    print(f"generated in {seconds:.1f} s with TensorFlow {tf.__version__}")


if __name__ == "__main__":
    main()
