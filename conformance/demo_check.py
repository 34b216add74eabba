"""Runs Frost's demo checkpoint in real TensorFlow (test oracle, never needed by Frost itself).

Usage: demo_check.py FOLDER FROZEN_PB   (run with the working directory where train.tfrecord
may be written: the demo's file-name queue reads "train.tfrecord" relative to it)

(a) tf.compat.v1.train.import_meta_graph(latest .meta) + saver.restore(latest prefix), then
    `probabilities` fed through `batch:0`; also restores the older step, runs the initializer,
    and runs three training steps from the real queue pipeline (queue runners reading a
    TFRecord file), so the whole graph is shown to be a working TF1 training graph;
(b) the Frost-frozen .pb imported with tf.compat.v1.import_graph_def and fed the same input
    on its `batch` placeholder.
Prints one JSON object on the last line of stdout.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

v1 = tf.compat.v1
v1.disable_eager_execution()
v1.logging.set_verbosity(v1.logging.ERROR)

FEATURES, CLASSES, BATCH = 64, 10, 32


def main(folder, frozen_pb):
    report = {}
    state = tf.train.get_checkpoint_state(folder)
    prefix = state.model_checkpoint_path
    report["all_checkpoints"] = [os.path.basename(p) for p in state.all_model_checkpoint_paths]
    report["latest"] = os.path.basename(prefix)
    report["variables"] = {name: list(shape) for name, shape in tf.train.list_variables(prefix)}

    rng = np.random.RandomState(1234)
    x = (rng.randint(0, 256, size=(BATCH, FEATURES)) / 255.0).astype(np.float32)  # what the pipeline's decode + cast / 255 yields
    labels = rng.randint(0, CLASSES, size=BATCH).astype(np.int32)

    # Records the pipeline reads: 64 feature bytes and one label byte.
    with tf.io.TFRecordWriter("train.tfrecord") as w:
        for _ in range(4 * BATCH):
            w.write(bytes(rng.randint(0, 256, size=FEATURES).astype(np.uint8)) + bytes([rng.randint(0, CLASSES)]))

    # (a) the training graph as TensorFlow loads it
    g = tf.Graph()
    with g.as_default():
        saver = v1.train.import_meta_graph(prefix + ".meta")
        report["queue_runners"] = [qr.queue.name for qr in v1.get_collection(v1.GraphKeys.QUEUE_RUNNERS)]
        report["trainable"] = [v.op.name for v in v1.trainable_variables()]
        report["global_variables"] = [v.op.name for v in v1.global_variables()]
        report["train_ops"] = [op.name for op in v1.get_collection(v1.GraphKeys.TRAIN_OP)]
        with v1.Session(graph=g) as s:
            s.run("init")
            report["initialized_step"] = int(s.run("global_step:0"))
            saver.restore(s, prefix)
            report["restored_step"] = int(s.run("global_step:0"))
            probs_meta = s.run("probabilities:0", {"batch:0": x})
            report["loss"] = float(s.run("loss:0", {"batch:0": x, "batch:1": labels}))
            # Three steps from the real pipeline: file-name queue → TFRecord reader → batch queue.
            coord = v1.train.Coordinator()
            threads = v1.train.start_queue_runners(sess=s, coord=coord)
            for _ in range(3):
                s.run("train")
            coord.request_stop()
            s.run("batch/fifo_queue_Close_1")
            s.run("input_producer/input_producer_Close_1")
            coord.join(threads, stop_grace_period_secs=10)
            report["trained_step"] = int(s.run("global_step:0"))
            older = [p for p in state.all_model_checkpoint_paths if p != prefix][0]
            saver.restore(s, older)
            report["older_step"] = int(s.run("global_step:0"))

    # (b) the Frost-frozen graph
    gd = v1.GraphDef()
    with open(frozen_pb, "rb") as f:
        gd.ParseFromString(f.read())
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(gd, name="")
        placeholder = g2.get_tensor_by_name("batch:0")
        report["placeholder"] = {"op": placeholder.op.type, "dtype": placeholder.dtype.name, "shape": placeholder.shape.as_list()}
        report["frozen_ops"] = sorted({op.type for op in g2.get_operations()})
        with v1.Session(graph=g2) as s:
            probs_frozen = s.run("probabilities:0", {"batch:0": x})
            report["frozen_batch_of_5"] = list(s.run("probabilities:0", {"batch:0": x[:5]}).shape)

    report["shape"] = list(probs_meta.shape)
    report["max_abs_diff"] = float(np.max(np.abs(probs_meta - probs_frozen)))
    report["allclose"] = bool(np.allclose(probs_meta, probs_frozen, rtol=0, atol=1e-6))
    report["rows_sum_to_one"] = bool(np.allclose(probs_frozen.sum(axis=1), 1, atol=1e-5))
    report["tf_version"] = tf.__version__
    print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
