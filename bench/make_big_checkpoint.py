"""Writes a >= 512 MB TF1 checkpoint (4 float32 weight matrices of 128 MiB) with a tiny
inference graph on top, for `npm run bench`'s freeze timing. Usage: make_big_checkpoint.py PREFIX

Output node: `y`; input placeholder `x` [None, 4096].
"""
import os
import sys
import time

import numpy as np
import tensorflow as tf

tf.compat.v1.disable_v2_behavior()


def main():
    prefix = sys.argv[1]
    os.makedirs(os.path.dirname(prefix), exist_ok=True)
    start = time.time()
    g = tf.Graph()
    with g.as_default():
        x = tf.compat.v1.placeholder(tf.float32, [None, 4096], name="x")
        h = x
        dims = [(4096, 8192), (8192, 4096), (4096, 8192), (8192, 4096)]
        for i, (a, b) in enumerate(dims):
            w = tf.compat.v1.get_variable(f"layer_{i}/kernel", [a, b], initializer=tf.compat.v1.random_normal_initializer(stddev=0.01, seed=i))
            h = tf.nn.relu(tf.matmul(h, w))
        tf.identity(h, name="y")
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saved = saver.save(sess, prefix, global_step=1)
    size = sum(os.path.getsize(f"{saved}.{e}") for e in ["index", "data-00000-of-00001"])
    print(f"{saved}: {size / 2**20:.0f} MiB in {time.time() - start:.1f} s with TensorFlow {tf.__version__}")


if __name__ == "__main__":
    main()
