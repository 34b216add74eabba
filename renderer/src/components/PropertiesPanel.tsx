import { useMemo, type ReactNode } from 'react';
import type { GraphNodeIR } from '../../../shared/model/graph-ir.js';
import type { InspectReport, VariableJSON } from '../../../shared/model/inspect-report.js';
import { graphIndex, inputNodeName, type GraphIndex } from '../graph/graph-index.js';
import { actions, useFrost } from '../state/index.js';
import { CompareProperties } from './CompareProperties.js';
import { FreezePanel, UseAsOutputButton } from './FreezePanel.js';
import { TensorView } from './TensorView.js';
import { formatBytes, formatCount, formatName, formatShape, plural } from './format.js';

/** The right panel: the selected node or variable, or a summary of the open source. */
export function PropertiesPanel() {
  return (
    <>
      {/* While comparing, the selection's diff entry is what the user looks for: it comes first. */}
      <CompareProperties />
      <FreezePanel />
      <Properties />
    </>
  );
}

function Properties() {
  const graph = useFrost((s) => s.graph);
  const report = useFrost((s) => s.report);
  const selectedNode = useFrost((s) => s.selectedNode);
  const selectedVariable = useFrost((s) => s.selectedVariable);
  const tensor = useFrost((s) => s.tensor);
  // A node only B has is picked in the Compare list: its details are the Comparison section's.
  const bOnlyPicked = useFrost((s) => s.compare?.result !== undefined && s.compareSelection?.a === null && s.selectedNode === null);
  // Built when a node or variable is first selected, not when a graph arrives: its ~70 ms on a
  // 30k-node graph would delay the first drawing (graphIndex caches it per graph).
  const wanted = selectedNode !== null || selectedVariable !== null;
  // Again once the graph's details (attrs, outputs, checkpoint keys) are merged into its nodes.
  const detail = useFrost((s) => s.graphDetail);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `detail` changes what the nodes hold
  const index = useMemo(() => (graph && wanted ? graphIndex(graph) : null), [graph, wanted, detail]);

  const node = selectedNode !== null ? index?.byName.get(selectedNode) : undefined;
  const variable = selectedVariable !== null ? report?.variables.find((v) => v.name === selectedVariable) : undefined;

  if (node && index) {
    return (
      <>
        <NodeProperties node={node} index={index} />
        {detail === 'structure' && (
          <p className="muted small" role="status">
            Loading attributes, shapes and checkpoint links…
          </p>
        )}
        {node.checkpointKey !== undefined && <TensorView tensor={tensor} />}
      </>
    );
  }
  if (variable) {
    return (
      <>
        <VariableProperties v={variable} index={index} />
        <TensorView tensor={tensor} />
      </>
    );
  }
  if (bOnlyPicked) return null;
  if (report) return <SourceSummary report={report} />;
  return <p className="muted panel-note">Properties of the selected node or variable appear here.</p>;
}

function NodeLink({ name, index, label }: { name: string; index: GraphIndex; label?: string }) {
  const target = inputNodeName(name);
  if (!index.byName.has(target)) return <span className="mono">{label ?? name}</span>;
  return (
    <button type="button" className="link mono" onClick={() => actions.selectNode(target)} title={`Select ${target}`}>
      {label ?? name}
    </button>
  );
}

/** A titled panel section with its item count: the one shape every section here shares. */
function PropSection({ label, title, count, warn, children }: { label: string; title?: string; count: number; warn?: boolean; children: ReactNode }) {
  return (
    <section className="prop-section" aria-label={label}>
      <h3 className="section-title">
        {title ?? label} <span className={warn ? 'count warn' : 'count'}>{count}</span>
      </h3>
      {children}
    </section>
  );
}

function LinkList({ title, names, index }: { title: string; names: readonly string[]; index: GraphIndex }) {
  if (names.length === 0) return null;
  return (
    <PropSection label={title} count={names.length}>
      <ol className="link-list">
        {names.map((n, i) => (
          <li key={`${i}:${n}`}>
            <NodeLink name={n} index={index} />
          </li>
        ))}
      </ol>
    </PropSection>
  );
}

function NodeProperties({ node, index }: { node: GraphNodeIR; index: GraphIndex }) {
  const attrs = Object.entries(node.attrs);
  return (
    <article className="props" aria-labelledby="node-heading">
      <header className="props-head">
        <span className="kind">Node</span>
        <h2 id="node-heading" className="props-title mono">
          {node.name}
        </h2>
        <div className="props-tags">
          <span className={`tag fam-tag fam-${node.family}`}>
            <span className="fam-dot" aria-hidden="true" />
            {node.family}
          </span>
          {node.pipeline && <span className="tag queue">input pipeline</span>}
        </div>
        <div>
          <UseAsOutputButton name={node.name} />
        </div>
      </header>
      <dl className="kv">
        <dt>op</dt>
        <dd className="mono">{node.op}</dd>
        <dt>device</dt>
        <dd className="mono">{node.device || <span className="muted">any</span>}</dd>
        {node.checkpointKey !== undefined && (
          <>
            <dt>checkpoint key</dt>
            <dd>
              <button type="button" className="link mono" onClick={() => actions.selectVariable(node.checkpointKey!)}>
                {node.checkpointKey}
              </button>
            </dd>
          </>
        )}
      </dl>
      <LinkList title="Inputs" names={node.inputs} index={index} />
      <LinkList title="Control inputs" names={node.controlInputs} index={index} />
      <LinkList title="Consumers" names={index.consumers.get(node.name) ?? []} index={index} />
      <LinkList title="Control consumers" names={index.controlConsumers.get(node.name) ?? []} index={index} />
      {node.outputs && node.outputs.length > 0 && (
        <PropSection label="Outputs" count={node.outputs.length}>
          <ol className="outputs">
            {node.outputs.map((o, i) => (
              <li key={i} className="mono">
                <span className="muted">:{i}</span> {o.dtype ?? '?'} {formatShape(o.shape)}
              </li>
            ))}
          </ol>
        </PropSection>
      )}
      {attrs.length > 0 && (
        <PropSection label="Attributes" count={attrs.length}>
          <dl className="kv attrs">
            {attrs.map(([k, v]) => (
              <div key={k} className="kv-row">
                <dt className="mono">{k}</dt>
                <dd className="mono">{v}</dd>
              </div>
            ))}
          </dl>
        </PropSection>
      )}
    </article>
  );
}

function VariableProperties({ v, index }: { v: VariableJSON; index: GraphIndex | null }) {
  const readers = index?.byCheckpointKey.get(v.name) ?? [];
  return (
    <article className="props" aria-labelledby="variable-heading">
      <header className="props-head">
        <span className="kind">Variable</span>
        <h2 id="variable-heading" className="props-title mono">
          {v.displayName ?? v.name}
        </h2>
      </header>
      <dl className="kv">
        {v.displayName !== undefined && (
          <>
            <dt>checkpoint key</dt>
            <dd className="mono">{v.name}</dd>
          </>
        )}
        <dt>dtype</dt>
        <dd className="mono">{v.dtype}</dd>
        <dt>shape</dt>
        <dd className="mono">{formatShape(v.shape)}</dd>
        <dt>stored</dt>
        <dd className="mono">{formatBytes(v.bytes)}</dd>
        {v.partitions !== undefined && (
          <>
            <dt>partitions</dt>
            <dd className="mono">{v.partitions}</dd>
          </>
        )}
        {v.shard !== undefined && (
          <>
            <dt>data shard</dt>
            <dd className="mono">{v.shard}</dd>
          </>
        )}
      </dl>
      {index && <LinkList title="Graph nodes" names={readers} index={index} />}
    </article>
  );
}

function SourceSummary({ report }: { report: InspectReport }) {
  const g = report.graph;
  const ops = g ? Object.entries(g.ops).sort((a, b) => b[1] - a[1]) : [];
  const topOps = ops.slice(0, 12);
  const maxOp = topOps[0]?.[1] ?? 1;
  return (
    <article className="props" aria-labelledby="source-heading">
      <header className="props-head">
        <span className="kind">Source</span>
        <h2 id="source-heading" className="props-title">
          {formatName(report.format)}
        </h2>
      </header>
      <dl className="kv">
        <dt>path</dt>
        <dd className="mono break">{report.path}</dd>
        {report.prefix && (
          <>
            <dt>checkpoint</dt>
            <dd className="mono break">{report.prefix}</dd>
          </>
        )}
        {report.checkpointFormat && (
          <>
            <dt>format</dt>
            <dd className="mono">{report.checkpointFormat}</dd>
          </>
        )}
        <dt>variables</dt>
        <dd>
          {plural(report.variables.length, 'variable')} · {formatBytes(report.totalBytes)}
        </dd>
        {g && (
          <>
            <dt>graph</dt>
            <dd>
              {plural(g.nodeCount, 'node')}
              {g.functionCount > 0 ? ` · ${plural(g.functionCount, 'function')}` : ''}
            </dd>
            {g.tensorflowVersion && (
              <>
                <dt>written by</dt>
                <dd>
                  TensorFlow {g.tensorflowVersion}
                  {g.producer !== undefined ? ` (producer ${g.producer})` : ''}
                </dd>
              </>
            )}
          </>
        )}
      </dl>
      {report.warnings.length > 0 && (
        <PropSection label="Warnings" count={report.warnings.length} warn>
          <ul className="warnings">
            {report.warnings.map((w, i) => (
              <li key={i}>
                {w.message} <span className="mono muted small">{w.code}</span>
              </li>
            ))}
          </ul>
        </PropSection>
      )}
      {g && g.queueRunners.length > 0 && (
        <PropSection label="Queue runners" count={g.queueRunners.length}>
          <ul className="plain-list">
            {g.queueRunners.map((q) => (
              <li key={q.queue} className="mono small">
                <span className="tag queue">queue</span> {q.queue} ← {q.enqueueOps.join(', ')}
              </li>
            ))}
          </ul>
        </PropSection>
      )}
      {topOps.length > 0 && (
        <PropSection label="Most used ops" title="Ops" count={ops.length}>
          <ul className="op-bars">
            {topOps.map(([op, n]) => (
              <li key={op}>
                <span className="mono op-name">{op}</span>
                <span className="op-bar" style={{ width: `${(100 * n) / maxOp}%` }} aria-hidden="true" />
                <span className="mono op-count">{formatCount(n)}</span>
              </li>
            ))}
          </ul>
        </PropSection>
      )}
      {g && g.signatures.length > 0 && (
        <PropSection label="Signatures" count={g.signatures.length}>
          <ul className="plain-list">
            {g.signatures.map((s) => (
              <li key={s.key} className="mono small">
                {s.key}: {s.inputs.map((t) => t.key).join(', ')} → {s.outputs.map((t) => t.key).join(', ')}
              </li>
            ))}
          </ul>
        </PropSection>
      )}
      <p className="muted small panel-note">Select a node in the graph or a variable on the left to see its properties.</p>
    </article>
  );
}
