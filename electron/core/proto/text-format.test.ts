import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../test/fixtures.js';
import { FrostError } from '../errors.js';
import { firstTextFieldName, parseTextProto, printTextProto, textProtoToBinary } from './text-format.js';
import { withSortedMaps } from './canonical-maps.js';
import { Long, tensorflow } from './tf.js';

const bytes = (...b: number[]): number[] => b;
const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
/** Decoded bytes are Buffers in Node; compare contents. */
const arr = (b: Uint8Array | null | undefined): number[] => [...(b ?? [])];

function parseError(text: string, type = 'tensorflow.NodeDef'): FrostError {
  try {
    parseTextProto(text, type, 'bad.pbtxt');
  } catch (e) {
    expect(e).toBeInstanceOf(FrostError);
    return e as FrostError;
  }
  throw new Error('expected a parse error');
}

describe('parseTextProto: scalars', () => {
  it('reads floats in every spelling TF writes, including inf, nan and the f suffix', () => {
    const t = parseTextProto('float_val: [1e-05, inf, -inf, nan, 1.5f, 2, -0.25, .5, 1E+3, -Infinity]', 'tensorflow.TensorProto');
    const v = t.floatVal;
    expect(v[0]).toBeCloseTo(1e-5, 10);
    expect(v.slice(1, 3)).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(v[3])).toBe(true);
    expect(v.slice(4)).toEqual([1.5, 2, -0.25, 0.5, 1000, -Infinity]);
    const d = parseTextProto('double_val: 1795299810.070234 double_val: 1e+09', 'tensorflow.TensorProto');
    expect(d.doubleVal).toEqual([1795299810.070234, 1e9]);
  });

  it('keeps int64 exact beyond 2^53, accepts hex and octal, and checks ranges', () => {
    const t = parseTextProto(
      'int64_val: 9223372036854775807 int64_val: -9223372036854775808 int64_val: 9007199254740993 int64_val: 0x10 int64_val: 010 uint64_val: 18446744073709551615',
      'tensorflow.TensorProto',
    );
    expect(t.int64Val.map((v) => v.toString())).toEqual(['9223372036854775807', '-9223372036854775808', '9007199254740993', '16', '8']);
    expect(t.uint64Val[0]?.toString()).toBe('18446744073709551615');
    expect(parseError('version_number: 2147483648', 'tensorflow.TensorProto').message).toMatch(/^bad\.pbtxt:1:17: expected a int32 value for version_number but found 2147483648, which is out of range$/);
    expect(parseError('int64_val: 1.5', 'tensorflow.TensorProto').message).toMatch(/expected an integer for int64_val but found the number 1\.5/);
    expect(parseError('uint64_val: -1', 'tensorflow.TensorProto').message).toMatch(/out of range/);
  });

  it('reads bools as true/false/True/False/t/f/1/0', () => {
    const t = parseTextProto('bool_val: [true, false, True, False, t, f, 1, 0]', 'tensorflow.TensorProto');
    expect(t.boolVal).toEqual([true, false, true, false, true, false, true, false]);
    expect(parseError('bool_val: yes', 'tensorflow.TensorProto').message).toMatch(/expected true or false for bool_val but found "yes"/);
  });

  it('reads enums by name or number (unknown numbers are kept: open enums)', () => {
    expect(parseTextProto('dtype: DT_HALF', 'tensorflow.TensorProto').dtype).toBe(19);
    expect(parseTextProto('dtype: 3', 'tensorflow.TensorProto').dtype).toBe(3);
    expect(parseTextProto('dtype: 77', 'tensorflow.TensorProto').dtype).toBe(77);
    expect(parseError('dtype: DT_NOPE', 'tensorflow.TensorProto').message).toMatch(/expected a value of enum tensorflow\.DataType for dtype but found "DT_NOPE"/);
  });

  it('decodes C escapes to bytes, concatenates adjacent strings, accepts single quotes', () => {
    const t = parseTextProto(String.raw`string_val: "a\n\t\"\'\\\101\x41\0\377" string_val: 'it''s' "!" string_val: "\u00e9\U0001F600"`, 'tensorflow.TensorProto');
    expect(arr(t.stringVal[0])).toEqual(bytes(0x61, 0x0a, 0x09, 0x22, 0x27, 0x5c, 0x41, 0x41, 0x00, 0xff));
    expect(arr(t.stringVal[1])).toEqual(utf8("its!"));
    expect(arr(t.stringVal[2])).toEqual(utf8('é😀'));
  });

  it('turns string fields into UTF-8 text, from raw UTF-8 or octal escapes', () => {
    expect(parseTextProto(String.raw`name: "caf\303\251" op: "café"`, 'tensorflow.NodeDef')).toMatchObject({ name: 'café', op: 'café' });
    expect(parseError(String.raw`name: "\377"`).message).toMatch(/^bad\.pbtxt:1:7: expected UTF-8 text for the string field name but found bytes that are not valid UTF-8/);
  });

  it('reports bad escapes and unterminated strings with their position', () => {
    expect(parseError(String.raw`name: "a\qb"`).message).toMatch(/^bad\.pbtxt:1:9: expected a string escape/);
    expect(parseError('name: "abc\nop: "x"').message).toMatch(/^bad\.pbtxt:1:7: expected the closing quote/);
  });
});

describe('parseTextProto: structure', () => {
  it('reads nested messages with { } or < >, optional colon, comments and separators', () => {
    const text = [
      '# a comment',
      'name: "n1", op: "Const";  # trailing comment',
      'attr { key: "dtype" value { type: DT_FLOAT } }',
      'attr: < key: "value" value: < tensor < dtype: DT_FLOAT tensor_shape { dim { size: 2 } dim { size: -1 name: "batch" } } float_val: 1 > > >',
    ].join('\n');
    const n = parseTextProto(text, 'tensorflow.NodeDef');
    expect(n).toBeInstanceOf(tensorflow.NodeDef);
    expect(n.name).toBe('n1');
    expect(n.attr['dtype']?.type).toBe(tensorflow.DataType.DT_FLOAT);
    const shape = n.attr['value']?.tensor?.tensorShape;
    expect(shape?.dim?.map((d) => [d.size?.toString(), d.name])).toEqual([['2', ''], ['-1', 'batch']]);
  });

  it('accumulates repeated fields (incl. [a, b] lists) and keeps the last singular value', () => {
    const n = parseTextProto('input: "a" name: "first" input: ["b", "c"] input: [] name: "second"', 'tensorflow.NodeDef');
    expect(n.input).toEqual(['a', 'b', 'c']);
    expect(n.name).toBe('second');
    const g = parseTextProto('node: [{ name: "a" op: "NoOp" }, < name: "b" op: "NoOp" >] node { name: "c" op: "NoOp" }', 'tensorflow.GraphDef');
    expect(g.node.map((x) => x.name)).toEqual(['a', 'b', 'c']);
  });

  it('reads maps as repeated entries, last duplicate key wins, non-string keys too', () => {
    const f = parseTextProto(
      'attr { key: "T" value { i: 1 } } attr { key: "T" value { i: 2 } } resource_arg_unique_id { key: 3 value: 7 } ret { key: "out" value: "x:0" }',
      'tensorflow.FunctionDef',
    );
    expect(f.attr['T']?.i?.toString()).toBe('2');
    expect(f.resourceArgUniqueId).toEqual({ 3: 7 });
    expect(f.ret).toEqual({ out: 'x:0' });
  });

  it('keeps oneof members set to their default (AttrValue s: "" and i: 0)', () => {
    const n = parseTextProto('attr { key: "s" value { s: "" } } attr { key: "i" value { i: 0 } } attr { key: "l" value { list { } } }', 'tensorflow.NodeDef');
    expect(n.attr['s']?.value).toBe('s');
    expect(arr(n.attr['s']?.s)).toEqual([]);
    expect(n.attr['s']?.s).toBeInstanceOf(Uint8Array);
    expect(n.attr['i']?.value).toBe('i');
    expect(n.attr['l']?.value).toBe('list');
  });

  it('expands google.protobuf.Any written as [type.googleapis.com/tensorflow.QueueRunnerDef] { ... }', () => {
    const text = `
      collection_def {
        key: "queue_runners"
        value { any_list { value { [type.googleapis.com/tensorflow.QueueRunnerDef] { queue_name: "q" enqueue_op_name: ["e1", "e2"] close_op_name: "c" } } } }
      }
      meta_info_def { any_info { type_url: "type.googleapis.com/x.Y" value: "\\001\\002" } }`;
    const m = parseTextProto(text, 'tensorflow.MetaGraphDef');
    const any = m.collectionDef['queue_runners']?.anyList?.value?.[0];
    expect(any?.typeUrl).toBe('type.googleapis.com/tensorflow.QueueRunnerDef');
    const q = tensorflow.QueueRunnerDef.decode(any?.value as Uint8Array);
    expect([q.queueName, q.enqueueOpName, q.closeOpName]).toEqual(['q', ['e1', 'e2'], 'c']);
    expect(arr(m.metaInfoDef?.anyInfo?.value)).toEqual([1, 2]);
    expect(parseError('any_info { [type.googleapis.com/tensorflow.Nope] { } }', 'tensorflow.MetaGraphDef.MetaInfoDef').message).toMatch(
      /expected a type URL naming a message Frost knows.* but found \[type\.googleapis\.com\/tensorflow\.Nope\]/,
    );
    expect(parseError('[ext.field]: 1').message).toMatch(/extensions are not supported/);
  });

  it('names file:line:col for unknown fields and structural mistakes', () => {
    const e = parseError('name: "a"\n  nme: "b"');
    expect(e.code).toBe('CORRUPT');
    expect(e.file).toBe('bad.pbtxt');
    expect(e.message).toBe('bad.pbtxt:2:3: expected a field of tensorflow.NodeDef but found unknown field "nme"');
    expect(parseError('node {\n name: "a"\n', 'tensorflow.GraphDef').message).toMatch(/^bad\.pbtxt:3:1: expected '}' to close tensorflow\.NodeDef \(opened at 1:6\) but found the end of the file$/);
    expect(parseError('name "a"').message).toMatch(/^bad\.pbtxt:1:6: expected ':' after name but found the string "a"$/);
    expect(parseError('attr: 3').message).toMatch(/expected '\{' to start attr/);
    expect(parseError('name: ["a"]').message).toMatch(/a \[list\] for a field that is not repeated/);
    expect(parseError('input: ["a"; "b"]').message).toMatch(/expected ',' or '\]' in the list/);
    expect(parseError('}').message).toMatch(/expected a field name of tensorflow\.NodeDef but found '\}'/);
  });

  it('parses a real graph.pbtxt and the first field name is found past comments', () => {
    const text = readFileSync(fixture('iris-estimator-queues-2shards', 'graph.pbtxt'), 'utf8');
    const g = parseTextProto(text, 'tensorflow.GraphDef', 'graph.pbtxt');
    expect(g.node).toHaveLength(744);
    expect(g.versions?.producer).toBe(27);
    expect(firstTextFieldName(text)).toBe('node');
    expect(firstTextFieldName('# hi\n\n  meta_info_def {}')).toBe('meta_info_def');
    expect(firstTextFieldName('  ')).toBeUndefined();
  });
});

describe('parseTextProto: FullTypeDef', () => {
  it('reads type ids by name (TensorFlow 2.x writes them on Shape ops and inside tf.cond) and keeps their numbers', () => {
    const text = 'node { name: "s" op: "Shape" experimental_type { type_id: TFT_PRODUCT args { type_id: TFT_SHAPE_TENSOR args { type_id: TFT_INT32 } } } }';
    const g = parseTextProto(text, 'tensorflow.GraphDef', 'g.pbtxt');
    const t = g.node?.[0]?.experimentalType;
    expect(t?.typeId).toBe(3);
    expect(t?.args?.[0]?.typeId).toBe(1005);
    expect(t?.args?.[0]?.args?.[0]?.typeId).toBe(207);
    const back = tensorflow.GraphDef.decode(textProtoToBinary(text, 'tensorflow.GraphDef', 'g.pbtxt'));
    expect(back.node[0]?.experimentalType?.typeId).toBe(3);
  });
});

describe('printTextProto', () => {
  it('prints in TF layout: field-number order, two-space indent, sorted map entries', () => {
    const n = new tensorflow.NodeDef({
      op: 'Const',
      name: 'c',
      attr: {
        value: { tensor: { dtype: 1, tensorShape: {}, floatVal: [0.1] } },
        dtype: { type: 1 },
      },
    });
    expect(printTextProto(n, 'tensorflow.NodeDef')).toBe(
      [
        'name: "c"',
        'op: "Const"',
        'attr {',
        '  key: "dtype"',
        '  value {',
        '    type: DT_FLOAT',
        '  }',
        '}',
        'attr {',
        '  key: "value"',
        '  value {',
        '    tensor {',
        '      dtype: DT_FLOAT',
        '      tensor_shape {',
        '      }',
        '      float_val: 0.1',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('prints oneof defaults, escapes bytes, keeps UTF-8 in strings, and int64 exactly', () => {
    const a = new tensorflow.AttrValue({ s: new Uint8Array(0) });
    expect(printTextProto(a, 'tensorflow.AttrValue')).toBe('s: ""\n');
    expect(printTextProto(new tensorflow.AttrValue({ i: Long.ZERO }), 'tensorflow.AttrValue')).toBe('i: 0\n');
    expect(printTextProto({ s: Uint8Array.from(bytes(0x61, 0x0a, 0x22, 0xc3, 0xa9, 0x00)) }, 'tensorflow.AttrValue')).toBe('s: "a\\n\\"\\303\\251\\000"\n');
    expect(printTextProto({ name: 'café "x"' }, 'tensorflow.NodeDef')).toBe('name: "café \\"x\\""\n');
    const big = Long.fromString('9223372036854775807');
    expect(printTextProto({ int64Val: [big], floatVal: [Infinity, NaN, -Infinity, 1e-5] }, 'tensorflow.TensorProto')).toBe(
      'float_val: inf\nfloat_val: nan\nfloat_val: -inf\nfloat_val: 0.00001\nint64_val: 9223372036854775807\n',
    );
  });

  it('prints a known Any in expanded form', () => {
    const value = tensorflow.QueueRunnerDef.encode({ queueName: 'q' }).finish();
    const text = printTextProto({ anyInfo: { typeUrl: 'type.googleapis.com/tensorflow.QueueRunnerDef', value } }, 'tensorflow.MetaGraphDef.MetaInfoDef');
    expect(text).toBe('any_info {\n  [type.googleapis.com/tensorflow.QueueRunnerDef] {\n    queue_name: "q"\n  }\n}\n');
  });

  it('round-trips real graphs and metagraphs: print → parse gives the same bytes', () => {
    const text = readFileSync(fixture('iris-estimator-queues-2shards', 'graph.pbtxt'), 'utf8');
    const g = parseTextProto(text, 'tensorflow.GraphDef');
    const again = parseTextProto(printTextProto(g, 'tensorflow.GraphDef'), 'tensorflow.GraphDef');
    const graphBytes = (x: tensorflow.GraphDef): Buffer => Buffer.from(tensorflow.GraphDef.encode(withSortedMaps(x, 'tensorflow.GraphDef')).finish());
    expect(graphBytes(again)).toEqual(graphBytes(g));

    const m = tensorflow.MetaGraphDef.decode(readFileSync(fixture('estimator-basics-v2', 'model.ckpt-2000.meta')));
    const printed = printTextProto(m, 'tensorflow.MetaGraphDef');
    const m2 = parseTextProto(printed, 'tensorflow.MetaGraphDef');
    const metaBytes = (x: tensorflow.MetaGraphDef): Buffer => Buffer.from(tensorflow.MetaGraphDef.encode(withSortedMaps(x, 'tensorflow.MetaGraphDef')).finish());
    expect(metaBytes(m2)).toEqual(metaBytes(m));
  });

  it('gives the binary wire form directly when asked', () => {
    expect(Buffer.from(textProtoToBinary('name: "a" input: "b"', 'tensorflow.NodeDef'))).toEqual(Buffer.from([0x0a, 1, 0x61, 0x1a, 1, 0x62]));
  });
});
