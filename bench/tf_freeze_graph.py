"""Runs TensorFlow's own freeze_graph for comparison and prints its peak RSS.
Usage: tf_freeze_graph.py PREFIX OUTPUTS OUT.pb"""
import resource
import sys
import time

start = time.time()
from tensorflow.python.tools import freeze_graph  # noqa: E402

prefix, outputs, out = sys.argv[1], sys.argv[2], sys.argv[3]
t0 = time.time()
freeze_graph.freeze_graph(
    input_graph="", input_saver="", input_binary=True, input_checkpoint=prefix,
    output_node_names=outputs, restore_op_name="", filename_tensor_name="",
    output_graph=out, clear_devices=True, initializer_nodes="", input_meta_graph=prefix + ".meta",
)
print(f"TF_FREEZE_MS {1000 * (time.time() - t0):.0f} TF_TOTAL_MS {1000 * (time.time() - start):.0f} TF_MAXRSS_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
