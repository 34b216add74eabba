# A TF1 graph with control flow v2: a moving-average update inside a functional If on a
# `training` input (test/freeze-cond-v2.test.ts). Usage: make_cond_v2_update.py OUT_DIR
import os, sys
os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'
import numpy as np, tensorflow as tf
tf1 = tf.compat.v1
tf1.disable_v2_behavior()
tf1.enable_control_flow_v2()
out = sys.argv[1]
x = tf1.placeholder(tf.float32, [None, 3], name='x')
training = tf1.placeholder_with_default(False, [], name='training')
mean = tf1.get_variable('moving_mean', [3], initializer=tf1.zeros_initializer(), use_resource=True, trainable=False)
def train_branch():
    m = tf.reduce_mean(x, 0)
    with tf.control_dependencies([mean.assign(0.9 * mean + 0.1 * m)]):
        return x - m
y = tf.cond(training, train_branch, lambda: x - mean.read_value())
probs = tf.nn.softmax(y, name='probs')
with tf1.Session() as s:
    s.run(tf1.global_variables_initializer())
    tf1.train.Saver().save(s, os.path.join(out, 'model.ckpt'))
