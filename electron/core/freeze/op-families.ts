/**
 * Op families the freezer treats specially (docs/freezing.md §4, §8 rows 1-2, §9).
 */

/** Ops that write a variable. Reached only through control edges, they are cut away. */
export function isUpdateOp(op: string): boolean {
  return (
    UPDATE_OPS.has(op) ||
    /^(Resource)?(Sparse)?Apply/.test(op) ||
    /^(Resource)?Scatter/.test(op) ||
    /^Resource(Strided)?SliceAssign$/.test(op)
  );
}

const UPDATE_OPS = new Set([
  'Assign', 'AssignAdd', 'AssignSub',
  'AssignVariableOp', 'AssignAddVariableOp', 'AssignSubVariableOp',
  'CountUpTo', 'ResourceCountUpTo', 'StridedSliceAssign', 'DestroyResourceOp',
]);

/** Save/restore machinery (a frozen graph must contain none of it). */
export function isSaverOp(op: string): boolean {
  return /^(Save|SaveV2|SaveSlices|Restore|RestoreV2|RestoreSlice|MergeV2Checkpoints)$/.test(op);
}

/** Pass-through ops whose `T` follows their data input (retyped when a handle becomes a value). */
export const PASS_THROUGH: ReadonlySet<string> = new Set(['Identity', 'Switch', 'Enter', 'Exit', 'Merge', 'NextIteration', '_SwitchN', 'Snapshot']);

/** The value forms of TF1 ref control-flow ops (freezing.md §8 row 1). */
export const REF_TO_VALUE: Readonly<Record<string, string>> = {
  RefIdentity: 'Identity',
  RefSwitch: 'Switch',
  RefEnter: 'Enter',
  RefExit: 'Exit',
  RefMerge: 'Merge',
  RefNextIteration: 'NextIteration',
  RefSelect: 'Select',
};

/** Function-calling ops and the attrs naming their functions. */
export const FUNCTION_ATTRS: Readonly<Record<string, readonly string[]>> = {
  While: ['cond', 'body'],
  StatelessWhile: ['cond', 'body'],
  If: ['then_branch', 'else_branch'],
  StatelessIf: ['then_branch', 'else_branch'],
  Case: ['branches'],
  StatelessCase: ['branches'],
  PartitionedCall: ['f'],
  StatefulPartitionedCall: ['f'],
};
