#!/usr/bin/env python3
"""Write a varied set of real TensorFlow checkpoints for Frost's bit-exact oracle test.

Usage:  python conformance/make_checkpoints.py OUTDIR

Needs tensorflow (tested with 2.21) and numpy; nothing else. TensorFlow is only the test
oracle: Frost itself never runs it. Every case becomes one folder OUTDIR/<case>/ that looks
like a normal checkpoint folder (state file `checkpoint`, `.index` / `.data-*` or V1 files,
`.meta` for TF1 savers), plus `expected.json`:

    {
      "case": "v2_all_dtypes", "tf_version": "2.21.0", "format": "v2" | "v1",
      "prefix": "model.ckpt-2",            # latest checkpoint, relative to the case folder
      "all_prefixes": [...],               # every checkpoint the state file lists
      "variables": [                        # tf.train.list_variables order (sorted by key)
        {"key": ..., "dtype": "float32", "shape": [4, 8], "b64": base64(arr.tobytes())},
        {"key": ..., "dtype": "string",  "shape": [2, 4], "strings_b64": [...]},
        ...                                 # + "partitions": 3 for a variable saved in parts
      ]
    }

`dtype` is TensorFlow's Python name of the stored type (what Frost's `dtypeName` prints). It
equals numpy's dtype name for every type numpy or ml_dtypes knows (bfloat16, float8_*,
int4, ...); only the quantized types differ (numpy sees qint8 as int8), so the name comes
from the checkpoint reader's dtype map. Bytes are C-order little-endian, as numpy returns
them from `tf.train.load_variable(prefix, key)`, so they equal the stored payload.

Where `load_variable` itself gives up, TF still provides the value, and the entry says how
("via"): TF's simple V1 reader refuses multi-slice tensors and most dtypes other than
float/double/int ("Sliced checkpoints are not supported"), so V1 values then come from TF's
`Restore` op ("via": "Restore"); TF's V2 reader cannot assemble partitioned float16, uint16
or string tensors ("Dtype half not supported."), so those come from `RestoreV2` asked for
each stored slice by its exact slice spec, placed at the slice's offsets
("via": "RestoreV2 per slice").

The TF1 cases run in this process with `disable_v2_behavior()` (classic ref variables); the
TF2 cases (object-based checkpoint, raw SaveV2 of exotic dtypes) run at the same time in a
child process started with `--tf2`, which keeps eager mode. Values come from fixed seeds, so
two runs give the same tensors (file names in the state file are absolute for TF1 savers, as
TF writes them, so the folders are tied to where they were built).
"""
import base64
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

assert sys.byteorder == "little", "expected.json stores little-endian bytes"

BFLOAT16 = tf.bfloat16.as_numpy_dtype

# Strings that exercise the DT_STRING encoding: empty, multi-byte UTF-8, a 300-byte string
# (2-byte varint length), lengths 127/128 (varint boundary), raw bytes that are not UTF-8,
# and a trailing NUL (numpy's fixed-width bytes would silently drop it).
STRINGS = [
    b"",
    "naïve café — 日本語 🙂".encode("utf-8"),
    b"x" * 300,
    b"\x00\xff\xfe\x80abc\x00",
    b"hello",
    b'\n\t"quoted"\\',
    b"a" * 127,
    b"b" * 128,
]


# ----------------------------------------------------------------------------- values

def float_bits(np_dtype):
    """Special values as raw bit patterns: +-0, 1, -1.5, +-inf, NaN, NaN with payload,
    negative NaN, signalling NaN, smallest and largest subnormal, smallest normal, max."""
    if np_dtype == np.float16:
        return np.array([0x0000, 0x8000, 0x3C00, 0xBE00, 0x7C00, 0xFC00, 0x7E00, 0x7E01,
                         0xFE00, 0x7C01, 0x0001, 0x8001, 0x03FF, 0x0400, 0x7BFF], np.uint16)
    if np_dtype == BFLOAT16:
        return np.array([0x0000, 0x8000, 0x3F80, 0xBFC0, 0x7F80, 0xFF80, 0x7FC0, 0x7FC1,
                         0xFFC0, 0x7F81, 0x0001, 0x8001, 0x007F, 0x0080, 0x7F7F], np.uint16)
    if np_dtype == np.float32:
        return np.array([0x00000000, 0x80000000, 0x3F800000, 0xBFC00000, 0x7F800000,
                         0xFF800000, 0x7FC00000, 0x7FC00001, 0xFFC00000, 0x7F800001,
                         0x00000001, 0x80000001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF], np.uint32)
    if np_dtype == np.float64:
        return np.array([0, 1 << 63, 0x3FF0000000000000, 0xBFF8000000000000,
                         0x7FF0000000000000, 0xFFF0000000000000, 0x7FF8000000000000,
                         0x7FF8000000000001, 0xFFF8000000000000, 0x7FF0000000000001,
                         1, (1 << 63) | 1, 0x000FFFFFFFFFFFFF, 0x0010000000000000,
                         0x7FEFFFFFFFFFFFFF], np.uint64)
    raise ValueError(np_dtype)


def float_values(rng, np_dtype, shape):
    """Random normal values (a fifth of them scaled by 1000) with the special values first."""
    n = int(np.prod(shape))
    x = rng.standard_normal(n) * np.where(rng.random_sample(n) < 0.2, 1e3, 1.0)
    x = x.astype(np.float32 if np_dtype == BFLOAT16 else np_dtype).astype(np_dtype)
    special = float_bits(np_dtype).view(np_dtype)[:n]
    x[: len(special)] = special
    return x.reshape(shape)


def int_values(rng, np_dtype, shape):
    """Uniform over the full range (random bytes), with min, max, 0, 1, max - 1 and -1 (signed) or min + 1 (unsigned) first."""
    n = int(np.prod(shape))
    itemsize = np.dtype(np_dtype).itemsize
    x = np.frombuffer(rng.bytes(n * itemsize), dtype=np.dtype(np_dtype).newbyteorder("<")).astype(np_dtype)
    info = np.iinfo(np_dtype)
    special = np.array([info.min, info.max, 0, 1, info.max - 1, info.min + 1], np_dtype)
    if info.min < 0:
        special[-1] = -1
    x[: len(special)] = special[:n]
    return x.reshape(shape)


def values_for(name, shape, rng):
    """A deterministic, interesting array of TF dtype `name` and `shape`."""
    shape = list(shape)
    n = int(np.prod(shape))
    if name == "string":
        idx = rng.permutation(max(n, len(STRINGS)))[:n] % len(STRINGS)
        return np.array([STRINGS[i] for i in idx] or [], dtype=object).reshape(shape)
    if name == "bool":
        return rng.random_sample(n).reshape(shape) < 0.5
    np_dtype = tf.as_dtype(name).as_numpy_dtype
    if name.startswith("complex"):
        part = np.float32 if name == "complex64" else np.float64
        return float_values(rng, part, [2 * n]).view(np_dtype).reshape(shape)
    if name in ("float16", "bfloat16", "float32", "float64"):
        return float_values(rng, np_dtype, shape)
    return int_values(rng, np_dtype, shape)


def slice_initializer(full):
    """Initializer for a partitioned variable: each partition gets its block of `full`."""
    def init(shape, dtype=None, partition_info=None):
        offsets = partition_info.var_offset if partition_info is not None else [0] * len(shape)
        block = full[tuple(slice(o, o + s) for o, s in zip(offsets, shape))]
        return tf.constant(block, dtype=dtype)
    return init


# ----------------------------------------------------------------------------- expected.json

def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


def run_op(make):
    if tf.executing_eagerly():
        return make().numpy()
    with tf.Graph().as_default(), tf.compat.v1.Session() as sess:
        return sess.run(make())


def restore_v2_slices(prefix, key, dtype, shape, slices):
    """Reads each stored slice with RestoreV2 (its exact slice spec) and places it."""
    full = np.empty(shape, dtype=object if dtype == tf.string else dtype.as_numpy_dtype)
    for spec, offsets, lengths in slices:
        part = run_op(lambda: tf.raw_ops.RestoreV2(prefix=prefix, tensor_names=[key], shape_and_slices=[spec], dtypes=[dtype])[0])
        full[tuple(slice(o, o + n) for o, n in zip(offsets, lengths))] = part
    return full


def describe(prefix, key, shape, dtype, slices):
    entry = {"key": key, "dtype": dtype.name, "shape": [int(d) for d in shape]}
    if len(slices.get(key, [])) > 1:
        entry["partitions"] = len(slices[key])
    try:
        value = tf.train.load_variable(prefix, key)
    except tf.errors.UnimplementedError:
        # V1 with several slices: "Sliced checkpoints are not supported". TF's Restore op
        # assembles them with TF's own code.
        value = run_op(lambda: tf.raw_ops.Restore(file_pattern=prefix, tensor_name=key, dt=dtype))
        entry["via"] = "Restore"
    except ValueError:
        # V2 partitioned float16/uint16/string...: "Dtype half not supported." TF cannot
        # assemble these, but reads each slice exactly when asked for its own slice spec.
        value = restore_v2_slices(prefix, key, dtype, entry["shape"], slices[key])
        entry["via"] = "RestoreV2 per slice"
    if dtype == tf.string:
        # A scalar comes back as `bytes`; anything else as an object array of bytes.
        items = [value] if isinstance(value, bytes) else list(np.asarray(value, dtype=object).reshape(-1))
        assert all(isinstance(s, bytes) for s in items), key
        assert len(items) == int(np.prod(entry["shape"])), key
        entry["dtype"] = "string"
        entry["strings_b64"] = [b64(s) for s in items]
        return entry
    arr = np.array(value, order="C")  # (np.ascontiguousarray would turn a scalar into shape [1])
    assert list(arr.shape) == entry["shape"], (key, arr.shape, shape)
    if not dtype.name.startswith("q"):  # numpy sees qint8 as int8, etc.
        assert arr.dtype.name == dtype.name, (key, arr.dtype.name, dtype.name)
    assert arr.dtype.itemsize * arr.size == len(arr.tobytes())
    entry["b64"] = b64(arr.tobytes())
    return entry


def read_state(case_dir):
    state = tf.train.get_checkpoint_state(case_dir)
    assert state is not None and state.model_checkpoint_path, case_dir
    return state


def slice_specs(variables):
    """{full name: [(slice spec, offsets, lengths)]} of the partitioned variables given."""
    specs = {}
    for v in variables:
        # A PartitionedVariable iterates over its parts; each part knows its slice.
        for part in v._get_variable_list() if hasattr(v, "_get_variable_list") else [v]:
            info = getattr(part, "_save_slice_info", None)
            if info is not None:
                specs.setdefault(info.full_name, []).append((info.spec, info.var_offset, info.var_shape))
    return specs


def write_expected(case_dir, case, fmt, slices=None):
    state = read_state(case_dir)
    prefix = tf.train.latest_checkpoint(case_dir)
    dtypes = tf.compat.v1.train.NewCheckpointReader(prefix).get_variable_to_dtype_map()
    variables = [describe(prefix, key, shape, dtypes[key], slices or {}) for key, shape in tf.train.list_variables(prefix)]
    doc = {
        "case": case,
        "tf_version": tf.__version__,
        "numpy_version": np.__version__,
        "format": fmt,
        "prefix": os.path.basename(prefix),
        "all_prefixes": [os.path.basename(p) for p in state.all_model_checkpoint_paths],
        "variables": variables,
    }
    with open(os.path.join(case_dir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    return len(variables)


# ----------------------------------------------------------------------------- TF1 cases

ALL_DTYPES = ["float16", "bfloat16", "float32", "float64", "int8", "int16", "int32", "int64",
              "uint8", "uint16", "uint32", "uint64", "bool", "complex64", "complex128", "string"]
# V1 (SavedTensorSlices) cannot store bfloat16, uint32 or uint64.
V1_DTYPES = [d for d in ALL_DTYPES if d not in ("bfloat16", "uint32", "uint64")]

TWO_CPUS = tf.compat.v1.ConfigProto(device_count={"CPU": 2})


def ref_variable(name, value, dtype):
    return tf.compat.v1.Variable(value, name=name, dtype=tf.as_dtype(dtype), use_resource=False)


def case_dir_for(outdir, case):
    path = os.path.join(outdir, case)
    os.makedirs(path, exist_ok=True)
    return path


def dtype_specs(dtypes, prefix="dtypes"):
    """One [4, 8] variable per dtype ([2, 4] for strings) and a few scalars/empties/ranks."""
    specs = []
    for d in dtypes:
        specs.append((f"{prefix}/{d}", d, [2, 4] if d == "string" else [4, 8]))
    for d in ("float32", "int64", "bool", "string", "float16", "complex128"):
        if d in dtypes:
            specs.append((f"scalars/{d}", d, []))
    specs += [
        ("empty/float32_0x3", "float32", [0, 3]),
        ("empty/int32_3x0x2", "int32", [3, 0, 2]),
        ("empty/string_0", "string", [0]),
        ("ranks/float64_2x3x4x5", "float64", [2, 3, 4, 5]),
        ("ranks/int8_7", "int8", [7]),
    ]
    return specs


def v2_all_dtypes(outdir):
    case_dir = case_dir_for(outdir, "v2_all_dtypes")
    specs = dtype_specs(ALL_DTYPES)
    specs.append(("big/float32_512x256", "float32", [512, 256]))
    with tf.Graph().as_default():
        step = tf.compat.v1.train.get_or_create_global_step()
        rng1 = np.random.RandomState(1)
        variables = [ref_variable(name, values_for(d, shape, rng1), d) for name, d, shape in specs]
        # Step 2 gets fresh values so the two checkpoints differ in every tensor.
        rng2 = np.random.RandomState(2)
        updates = [tf.compat.v1.assign(v, values_for(d, shape, rng2)) for v, (_, d, shape) in zip(variables, specs)]
        updates.append(tf.compat.v1.assign(step, 2))
        saver = tf.compat.v1.train.Saver(max_to_keep=5)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            sess.run(tf.compat.v1.assign(step, 1))
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=1)
            sess.run(updates)
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=2)
    return write_expected(case_dir, "v2_all_dtypes", "v2")


def partitioned_variables(rng, dtypes=("float32", "float16", "int64", "string")):
    """Row-partitioned [10, 4] (3 parts: 4, 3, 3 rows), column-partitioned [3, 7] (3, 2, 2),
    a rank-1 int64 and a string variable in parts, plus a plain variable."""
    made = []
    specs = [
        ("part/rows", "float32", [10, 4], 0),
        ("part/cols", "float32", [3, 7], 1),
        ("part/half_rows", "float16", [9, 2], 0),
        ("part/int64_vec", "int64", [7], 0),
        ("part/strings", "string", [6, 2], 0),
    ]
    for name, d, shape, axis in specs:
        if d not in dtypes:
            continue
        full = values_for(d, shape, rng)
        made.append(tf.compat.v1.get_variable(
            name, shape=shape, dtype=tf.as_dtype(d), initializer=slice_initializer(full),
            partitioner=tf.compat.v1.fixed_size_partitioner(3, axis=axis), use_resource=False))
    made.append(tf.compat.v1.get_variable("plain", initializer=values_for("float32", [5], rng), use_resource=False))
    return made


def v2_partitioned(outdir):
    case_dir = case_dir_for(outdir, "v2_partitioned")
    with tf.Graph().as_default():
        slices = slice_specs(partitioned_variables(np.random.RandomState(3)))
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=10)
    return write_expected(case_dir, "v2_partitioned", "v2", slices)


def two_device_variables(rng, dtypes):
    """Variables on /cpu:0 and /cpu:1; part_1 of every partitioned variable goes to /cpu:1 so
    one tensor's slices end up in different shards."""
    def place(op):
        return "/cpu:1" if "/part_1" in op.name else "/cpu:0"

    with tf.device("/cpu:0"):
        for d in dtypes[: len(dtypes) // 2]:
            ref_variable(f"dev0/{d}", values_for(d, [3, 5], rng), d)
    with tf.device("/cpu:1"):
        for d in dtypes[len(dtypes) // 2:]:
            ref_variable(f"dev1/{d}", values_for(d, [3, 5], rng), d)
        ref_variable("dev1/scalar", values_for("float64", [], rng), "float64")
    with tf.compat.v1.device(place):
        return partitioned_variables(rng, ("float32", "int64", "string"))


def v2_sharded(outdir):
    case_dir = case_dir_for(outdir, "v2_sharded")
    with tf.Graph().as_default():
        slices = slice_specs(two_device_variables(np.random.RandomState(4), ALL_DTYPES))
        saver = tf.compat.v1.train.Saver(sharded=True)
        with tf.compat.v1.Session(config=TWO_CPUS) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=5)
    data_files = [f for f in os.listdir(case_dir) if ".data-" in f]
    assert len(data_files) >= 2, data_files
    return write_expected(case_dir, "v2_sharded", "v2", slices)


def v1_single(outdir):
    case_dir = case_dir_for(outdir, "v1_single")
    with tf.Graph().as_default():
        rng = np.random.RandomState(5)
        for name, d, shape in dtype_specs(V1_DTYPES):
            ref_variable(name, values_for(d, shape, rng), d)
        slices = slice_specs(partitioned_variables(rng))
        saver = tf.compat.v1.train.Saver(write_version=tf.compat.v1.train.SaverDef.V1)
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=7)
    return write_expected(case_dir, "v1_single", "v1", slices)


def v1_sharded(outdir):
    case_dir = case_dir_for(outdir, "v1_sharded")
    with tf.Graph().as_default():
        slices = slice_specs(two_device_variables(np.random.RandomState(6), V1_DTYPES))
        saver = tf.compat.v1.train.Saver(sharded=True, write_version=tf.compat.v1.train.SaverDef.V1)
        with tf.compat.v1.Session(config=TWO_CPUS) as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=3)
    shards = [f for f in os.listdir(case_dir) if "-of-" in f]
    assert len(shards) >= 2, shards
    return write_expected(case_dir, "v1_sharded", "v1", slices)


def resource_vars(outdir):
    """use_resource=True variables (VarHandleOp graphs), a partitioned resource variable, and
    a Saver whose var_list dict gives keys that are not op names (non-ASCII, spaces)."""
    case_dir = case_dir_for(outdir, "resource_vars")
    rng = np.random.RandomState(7)
    with tf.Graph().as_default():
        made = {}
        for d in ("float32", "bfloat16", "int32", "int64", "bool", "string", "complex64", "uint64"):
            made[f"res/{d}"] = tf.compat.v1.get_variable(
                f"res/{d}", initializer=values_for(d, [2, 3], rng), dtype=tf.as_dtype(d), use_resource=True)
        made["res/scalar"] = tf.compat.v1.get_variable("res/scalar", initializer=np.float64(2.5), use_resource=True)
        part = tf.compat.v1.get_variable(
            "res/part", shape=[10, 4], initializer=slice_initializer(values_for("float32", [10, 4], rng)),
            partitioner=tf.compat.v1.fixed_size_partitioner(3), use_resource=True)
        renamed = {
            "renamed/ключ/日本": made.pop("res/float32"),
            "renamed/with space": made.pop("res/int32"),
            "renamed/Zz.last~": made.pop("res/bool"),
        }
        saver = tf.compat.v1.train.Saver(var_list={**made, **renamed, "res/part": part})
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=1)
    return write_expected(case_dir, "resource_vars", "v2", slice_specs([part]))


def v2_many_keys(outdir):
    """Hundreds of small tensors with shared name prefixes, so the .index spans several data
    blocks, uses key prefix compression and restart points."""
    case_dir = case_dir_for(outdir, "v2_many_keys")
    rng = np.random.RandomState(8)
    with tf.Graph().as_default():
        for block in range(30):
            for layer in range(12):
                d = ("float32", "int32", "float16")[layer % 3]
                ref_variable(f"encoder/block_{block:02d}/layer_{layer}/w", values_for(d, [layer % 4 + 1], rng), d)
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as sess:
            sess.run(tf.compat.v1.global_variables_initializer())
            saver.save(sess, os.path.join(case_dir, "model.ckpt"), global_step=100)
    return write_expected(case_dir, "v2_many_keys", "v2")


TF1_CASES = [v2_all_dtypes, v2_partitioned, v2_sharded, v1_single, v1_sharded, resource_vars, v2_many_keys]


# ----------------------------------------------------------------------------- TF2 cases

def tf2_object(outdir):
    """tf.train.Checkpoint of a Keras model + Keras Adam after training steps, a tf.Module
    trained with the legacy v1 Adam (writes `.OPTIMIZER_SLOT` keys) and a dict key that needs
    escaping (`a/b.c` -> `a.Sb..c`). Saved twice through a CheckpointManager (relative paths
    and timestamps in the state file)."""
    case_dir = case_dir_for(outdir, "tf2_object")
    tf.keras.utils.set_random_seed(11)
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(4,)),
        tf.keras.layers.Dense(8, activation="relu"),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Dense(3),
    ])
    opt = tf.keras.optimizers.Adam(0.01)
    legacy = tf.Module()
    legacy.w = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="w")
    legacy.table = {"a/b.c": tf.Variable([1.0, 2.0], dtype=tf.float64), "plain": tf.Variable(b"\xffbytes")}
    legacy_opt = tf.compat.v1.train.AdamOptimizer(0.1)
    rng = np.random.RandomState(12)
    x = rng.standard_normal((16, 4)).astype(np.float32)
    y = rng.standard_normal((16, 3)).astype(np.float32)

    def train_step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((model(x, training=True) - y) ** 2) + tf.reduce_sum(legacy.w ** 2)
        keras_vars = model.trainable_variables
        grads = tape.gradient(loss, keras_vars + [legacy.w])
        opt.apply_gradients(zip(grads[:-1], keras_vars))
        legacy_opt.apply_gradients([(grads[-1], legacy.w)])

    ckpt = tf.train.Checkpoint(model=model, opt=opt, legacy=legacy, legacy_opt=legacy_opt)
    manager = tf.train.CheckpointManager(ckpt, case_dir, max_to_keep=3)
    train_step()
    manager.save()
    train_step()
    manager.save()
    return write_expected(case_dir, "tf2_object", "v2")


def v2_raw_exotic_dtypes(outdir):
    """Types no Variable can hold on CPU, written by the raw SaveV2 op: quantized types,
    every float8 bit pattern, all int4/uint4/int2/uint2 values, all float4_e2m1fn codes."""
    case_dir = case_dir_for(outdir, "v2_raw_exotic_dtypes")
    tensors = {}
    for name in ("qint8", "quint8", "qint16", "quint16", "qint32"):
        base = {"qint8": np.int8, "quint8": np.uint8, "qint16": np.int16, "quint16": np.uint16, "qint32": np.int32}[name]
        values = int_values(np.random.RandomState(13), base, [3, 4])
        tensors[f"quantized/{name}"] = tf.constant(values.astype(tf.as_dtype(name).as_numpy_dtype), dtype=tf.as_dtype(name))
    for name in ("float8_e5m2", "float8_e4m3fn", "float8_e4m3fnuz", "float8_e4m3b11fnuz", "float8_e5m2fnuz"):
        tensors[f"float8/{name}"] = tf.constant(np.arange(256, dtype=np.uint8).view(tf.as_dtype(name).as_numpy_dtype).reshape(16, 16))
    tensors["float4/float4_e2m1fn"] = tf.constant(np.arange(16, dtype=np.uint8).view(tf.as_dtype("float4_e2m1fn").as_numpy_dtype))
    for name, lo, hi in (("int4", -8, 8), ("uint4", 0, 16), ("int2", -2, 2), ("uint2", 0, 4)):
        tensors[f"narrow/{name}"] = tf.constant(np.arange(lo, hi).astype(tf.as_dtype(name).as_numpy_dtype))
    tensors["narrow/int4_scalar"] = tf.constant(np.array(-3).astype(tf.as_dtype("int4").as_numpy_dtype))
    names = sorted(tensors)
    prefix = os.path.join(case_dir, "raw-1")
    tf.raw_ops.SaveV2(prefix=prefix, tensor_names=names, shape_and_slices=[""] * len(names),
                      tensors=[tensors[n] for n in names])
    tf.compat.v1.train.update_checkpoint_state(case_dir, "raw-1", all_model_checkpoint_paths=["raw-1"])
    return write_expected(case_dir, "v2_raw_exotic_dtypes", "v2")


TF2_CASES = [tf2_object, v2_raw_exotic_dtypes]


# ----------------------------------------------------------------------------- main

def run_cases(cases, outdir):
    counts = {}
    for case in cases:
        start = time.perf_counter()
        counts[case.__name__] = case(outdir)
        print(f"  {case.__name__}: {counts[case.__name__]} tensors, {time.perf_counter() - start:.1f} s", flush=True)
    return counts


def main():
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--tf2":
        counts = run_cases(TF2_CASES, args[1])
        print("TF2_COUNTS " + json.dumps(counts), flush=True)
        return
    if len(args) != 1 or args[0].startswith("-"):
        sys.exit("usage: make_checkpoints.py OUTDIR")
    outdir = os.path.abspath(args[0])
    os.makedirs(outdir, exist_ok=True)
    start = time.perf_counter()
    # The TF2 cases need eager mode, which disable_v2_behavior() below switches off for the
    # whole process: run them in a child process, in parallel with the TF1 cases.
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--tf2", outdir],
                             stdout=subprocess.PIPE, text=True)
    tf.compat.v1.disable_v2_behavior()
    print(f"TensorFlow {tf.__version__}, numpy {np.__version__}", flush=True)
    counts = run_cases(TF1_CASES, outdir)
    out, _ = child.communicate()
    for line in out.splitlines():
        if line.startswith("TF2_COUNTS "):
            counts.update(json.loads(line[len("TF2_COUNTS "):]))
        else:
            print(line)
    if child.returncode != 0:
        sys.exit(f"TF2 cases failed (exit code {child.returncode})")
    seconds = time.perf_counter() - start
    manifest = {"tf_version": tf.__version__, "numpy_version": np.__version__,
                "python": sys.version.split()[0], "seconds": round(seconds, 1), "cases": counts}
    with open(os.path.join(outdir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(f"wrote {len(counts)} cases, {sum(counts.values())} tensors to {outdir} in {seconds:.1f} s")


if __name__ == "__main__":
    main()
