import { useFrost } from '../state/index.js';
import { formatBytes, formatName, plural } from './format.js';

/** One line about the open source and what Frost is doing (announced politely). */
export function StatusBar() {
  const report = useFrost((s) => s.report);
  const busy = useFrost((s) => s.busy);
  const graphStatus = useFrost((s) => s.graphStatus);
  const current = report?.checkpoints.find((c) => c.prefix === report.prefix);
  return (
    <footer className="statusbar">
      <span role="status" aria-live="polite" className="status-busy">
        {busy ?? (report ? 'Ready' : 'No source open')}
      </span>
      {report && (
        <span className="status-facts">
          <span>{formatName(report.format)}</span>
          {report.checkpointFormat && <span className="mono">{report.checkpointFormat}</span>}
          {current?.step !== undefined && <span>step {current.step.toLocaleString('en')}</span>}
          <span>
            {plural(report.variables.length, 'variable')} · {formatBytes(report.totalBytes)}
          </span>
          {report.graph && <span>{graphStatus === 'ready' ? plural(report.graph.nodeCount, 'node') : 'graph…'}</span>}
          {report.graph?.tensorflowVersion && <span>TF {report.graph.tensorflowVersion}</span>}
        </span>
      )}
    </footer>
  );
}
