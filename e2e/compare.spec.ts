/**
 * Compare (issue #7) in the browser against the real `frost serve`: "original vs frozen" right
 * after freezing the iris fixture (counts per kind equal `frost diff --json` on the same two
 * files, the list filters by kind chip, text and scope, a frozen variable's entry reaches the
 * properties panel, the side-by-side panes and the overlay colour the kinds and a pick in pane A
 * selects the Const in pane B); two steps of one run (a checkpoint folder written by Frost's own
 * writers) whose weight table shows exactly the numbers `frost diff --steps --json` prints and
 * whose panes heat-colour the variables; two different graphs (a renamed scope, a changed attr
 * and device); and Cancel of a running comparison.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Download, Locator, Page, Route } from '@playwright/test';
import { startServe } from './global-setup.js';
import { expect, test } from './fixtures.js';
import { irisFixture, repoDir } from './paths.js';

const OUTPUT = 'dnn/head/predictions/probabilities';
const KINDS = ['changed', 'renamed', 'frozen', 'cut', 'added', 'removed', 'unchanged'] as const;

/** The parts of `frost diff --json` (shared/model/diff.ts) this spec reads. */
type Delta = { maxAbs: number | null; meanAbs: number | null; relL2: number | null; cosine: number | null; changed: number; changedPercent: number };
type DiffJSON = {
  graph?: { counts: Record<(typeof KINDS)[number], number>; nodes: { kind: string; a?: string; b?: string }[] };
  checkpoint?: { variables: { key: string; status: string; delta?: Delta }[]; totals: { compared: number; changed: number } };
};
type DiffFormat = { formatDelta(x: number | null): string; formatCosine(x: number | null): string; formatChangedPercent(d: Delta): string };

function frostDiffJSON(...args: string[]): DiffJSON {
  return JSON.parse(execFileSync(process.execPath, [join(repoDir, 'bin', 'frost.js'), 'diff', ...args, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 })) as DiffJSON;
}

/** The Compare tab's parts, found the way a user reads them. */
function comparePanel(page: Page) {
  const root = page.getByRole('main', { name: 'Graph' }).getByRole('region', { name: 'Compare' });
  return {
    root,
    tab: page.getByRole('tablist', { name: 'Graph views' }).getByRole('tab', { name: 'Compare' }),
    chip: (kind: string): Locator => root.getByRole('toolbar', { name: 'Change kinds' }).getByRole('button', { name: new RegExp(`^${kind} `) }),
    count: (kind: string): Locator => root.getByRole('toolbar', { name: 'Change kinds' }).locator(`.kind-${kind} .kind-count`),
    list: root.getByRole('grid', { name: 'Graph changes' }),
    weights: root.getByRole('grid', { name: 'Weight changes' }),
    filter: root.getByRole('searchbox', { name: 'Filter changes' }),
    scope: root.getByRole('combobox', { name: 'Scope' }),
    view: (name: string): Locator => root.getByRole('tablist', { name: 'Compare views' }).getByRole('tab', { name: new RegExp(`^${name}`) }),
  };
}

type NodeDef = { name?: string; input?: string[]; device?: string; attr?: Record<string, { b?: boolean; list?: { s?: Uint8Array[] } }> };

/**
 * Another graph of the same model, written with Frost's own writer: scope `hidden` renamed to
 * `fc1` (matched by structure), one attr and one device changed.
 */
async function writeRenamedVariant(meta: string, out: string): Promise<void> {
  type Core = { loadGraph(path: string): Promise<{ graphDef: { node?: NodeDef[]; versions?: unknown } }> };
  type Writer = { writeGraphDefFile(path: string, g: { node: NodeDef[]; versions: unknown }): Promise<void> };
  const { loadGraph } = (await import(pathToFileURL(join(repoDir, 'dist', 'electron', 'core', 'index.js')).href)) as Core;
  const { writeGraphDefFile } = (await import(pathToFileURL(join(repoDir, 'dist', 'electron', 'core', 'graph', 'write-graph.js')).href)) as Writer;
  const loaded = await loadGraph(meta);
  const rename = (s: string): string => s.replace(/^(\^?)hidden\//, '$1fc1/').replace(/^loc:@hidden\//, 'loc:@fc1/');
  const node = (loaded.graphDef.node ?? []).map((n) => {
    const copy: NodeDef = { ...n, name: rename(n.name ?? ''), input: (n.input ?? []).map(rename), attr: { ...(n.attr ?? {}) } };
    const cls = copy.attr?.['_class'];
    if (cls?.list?.s) copy.attr!['_class'] = { list: { s: cls.list.s.map((b) => new TextEncoder().encode(rename(new TextDecoder().decode(b)))) } };
    if (copy.name === 'logits/MatMul') copy.attr!['transpose_a'] = { b: true };
    if (copy.name === 'probabilities') copy.device = '/device:GPU:0';
    return copy;
  });
  mkdirSync(dirname(out), { recursive: true });
  await writeGraphDefFile(out, { node, versions: loaded.graphDef.versions ?? null });
}

let folder = '';
test.beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'frost-e2e-compare-'));
});
test.afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

test('"Compare original vs frozen" after a freeze: the counts of frost diff, a filterable list, the entry in the properties', async ({ frost, page }) => {
  test.setTimeout(60_000);
  await frost.open();
  await (await frost.graph.find(OUTPUT)).click();
  await frost.properties.root.getByRole('button', { name: 'Use as output', exact: true }).click();
  const freeze = page.getByRole('region', { name: 'Freeze' });
  const downloads: Download[] = [];
  page.on('download', (d) => downloads.push(d));
  await freeze.getByRole('button', { name: 'Freeze', exact: true }).click();
  const result = freeze.getByRole('region', { name: 'Freeze result' });
  await expect(result.getByRole('status')).toContainText('Frozen:');
  await expect.poll(() => downloads.length).toBe(2);
  const pbPath = join(folder, 'iris-frozen.pb');
  await downloads.find((d) => d.suggestedFilename().endsWith('.pb'))!.saveAs(pbPath);
  const cli = frostDiffJSON(irisFixture, pbPath);
  const counts = cli.graph!.counts;
  // What freezing iris does: variables frozen, the dequeue cut, the training graph removed, nothing changed.
  expect(counts.frozen).toBeGreaterThan(0);
  expect(counts).toMatchObject({ cut: 1, changed: 0, added: 0, renamed: 0 });

  await result.getByRole('button', { name: 'Compare original vs frozen' }).click();
  const cmp = comparePanel(page);
  await expect(cmp.tab).toHaveAttribute('aria-selected', 'true');
  await expect(cmp.root).toContainText('model.ckpt-2500-frozen.pb');
  await expect(cmp.root).toContainText('B is a frozen form of A');
  for (const k of KINDS) await expect(cmp.count(k), k).toHaveText(counts[k].toLocaleString('en'));
  await expect(cmp.chip('changed')).toBeDisabled();
  await expect(frost.alerts).toHaveCount(0);

  // The list: every entry, then filtered by kind chip, by text and by scope.
  const total = cli.graph!.nodes.length;
  const summary = cmp.root.getByLabel('Listed changes');
  await expect(summary).toHaveText(`${total.toLocaleString('en')} changes`);
  await cmp.chip('removed').click();
  await expect(cmp.chip('removed')).toHaveAttribute('aria-pressed', 'false');
  await expect(summary).toHaveText(`${counts.frozen + counts.cut} of ${total.toLocaleString('en')} changes`);
  await expect(cmp.list.locator('[data-kind="removed"]')).toHaveCount(0);
  await expect(cmp.list.locator('[data-kind="cut"]')).toHaveCount(1);
  await cmp.chip('cut').click();
  await expect(cmp.list.locator('[data-kind="cut"]')).toHaveCount(0);
  await expect(summary).toHaveText(`${counts.frozen} of ${total.toLocaleString('en')} changes`);
  await cmp.filter.fill('kernel/part_0');
  const kernels = cli.graph!.nodes.filter((n) => n.kind === 'frozen' && n.a?.includes('kernel/part_0'));
  await expect(cmp.list.locator('[role="row"][data-kind]')).toHaveCount(kernels.length);
  const scopeLabel = await cmp.scope.locator('option', { hasText: /^global_step · / }).textContent();
  await cmp.scope.selectOption({ label: scopeLabel ?? '' });
  await expect(cmp.list.locator('[role="row"][data-kind]')).toHaveCount(0);
  await expect(cmp.list).toContainText('No change matches the filter.');
  await cmp.scope.selectOption({ label: 'All scopes' });
  // Ctrl+F on the Compare tab goes to the list's filter.
  await page.keyboard.press('Control+f');
  await expect(cmp.filter).toBeFocused();

  // A frozen variable: its entry (VarHandleOp → Const, value = checkpoint) in the properties.
  const name = kernels[0]!.a!;
  const row = cmp.list.locator(`[role="row"][data-a="${name}"]`);
  await expect(row).toContainText('VarHandleOp → Const; value = checkpoint');
  await row.click();
  await expect(row).toHaveAttribute('aria-selected', 'true');
  await expect(frost.properties.title).toHaveText(name);
  const section = frost.properties.section('Comparison');
  await expect(section).toContainText('frozen');
  await expect(section).toContainText('VarHandleOp → Const');
  await expect(section).toContainText('equals the checkpoint');

  // Side by side: both graphs drawn, coloured by kind; a pick in pane A selects its partner in pane B.
  await cmp.view('Side by side').click();
  const paneA = page.getByRole('img', { name: 'Graph A drawing' });
  const paneB = page.getByRole('img', { name: 'Graph B drawing' });
  await expect(paneA).toHaveAttribute('data-state', 'drawn');
  await expect(paneB).toHaveAttribute('data-state', 'drawn');
  await expect(paneA.locator('[data-node-name="concat"]')).toHaveClass(/gv-diff-removed/);
  await expect(paneB.locator('[data-node-name="random_shuffle_queue_DequeueMany/component_1"]')).toHaveClass(/gv-diff-cut/);
  // The list under the panes reveals the entry in both (their groups open).
  await page.keyboard.press('Escape');
  await cmp.list.locator(`[role="row"][data-a="${name}"]`).click();
  const inA = paneA.locator(`[data-node-name="${name}"]`);
  const inB = paneB.locator(`[data-node-name="${name}"]`);
  await expect(inA).toHaveClass(/gv-selected/);
  await expect(inA).toHaveClass(/gv-diff-frozen/);
  await expect(inA).toHaveAttribute('aria-label', `${name} (VarHandleOp)`);
  await expect(inB).toHaveClass(/gv-selected/);
  // Now from pane A itself: clear the selection, then pick the variable in A.
  await page.keyboard.press('Escape');
  await expect(inB).not.toHaveClass(/gv-selected/);
  await inA.press('Enter');
  await expect(inB).toHaveClass(/gv-selected/);
  await expect(inB).toHaveAttribute('aria-label', `${name} (Const)`);
  await expect(inB).toHaveClass(/gv-diff-frozen/);
  await expect(frost.properties.title).toHaveText(name);
  // Pan and zoom follow: a zoom in pane A zooms pane B by the same factor.
  const zoomB = page.getByRole('region', { name: 'Pane B' }).getByLabel('Zoom level');
  const before = Number((await zoomB.textContent())?.replace('%', ''));
  await page.getByRole('region', { name: 'Pane A' }).getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => Number((await zoomB.textContent())?.replace('%', ''))).toBeGreaterThan(before);

  // Overlay: one drawing of both graphs; the frozen variable keeps its kind, B's placeholder is there too.
  await cmp.view('Overlay').click();
  const overlay = page.getByRole('img', { name: 'Overlay drawing' });
  await expect(overlay).toHaveAttribute('data-state', 'drawn');
  await page.keyboard.press('Escape');
  await cmp.list.locator(`[role="row"][data-a="${name}"]`).click();
  await expect(overlay.locator(`[data-node-name="${name}"]`)).toHaveClass(/gv-diff-frozen/);
  await expect(overlay.locator(`[data-node-name="${name}"]`)).toHaveClass(/gv-selected/);
  await expect(overlay.locator('[data-node-name="concat"]')).toHaveClass(/gv-diff-removed/);
  await expect(page.getByRole('list', { name: 'Change colours' })).toContainText('frozen');

  // Closing the comparison leaves the Compare tab.
  await cmp.root.getByRole('button', { name: 'Close comparison' }).click();
  await expect(cmp.tab).toHaveCount(0);
  await expect(frost.alerts).toHaveCount(0);
});

test.describe('a Frost-written run: two steps, and a variant of its graph', () => {
  let server: { url: string; stop(): Promise<void> } | undefined;
  let run = '';

  test.beforeAll(async () => {
    run = join(folder, 'run');
    // Frost's own writers: a TF1-style training folder with two steps whose weights differ.
    type Demo = { writeDemoCheckpoint(folder: string): Promise<unknown> };
    const { writeDemoCheckpoint } = (await import(pathToFileURL(join(repoDir, 'dist', 'electron', 'core', 'index.js')).href)) as Demo;
    await writeDemoCheckpoint(run);
    await writeRenamedVariant(join(run, 'model.ckpt-1000.meta'), join(run, 'variant', 'variant.pb'));
    server = await startServe(run);
  });
  test.afterAll(async () => {
    await server?.stop();
  });

  test('"Compare…" with another step: the weight table shows the numbers of frost diff --steps', async ({ frost, page }) => {
    await page.goto(server?.url ?? '');
    await frost.waitFor('ready');
    await expect(frost.source.checkpoints).toContainText('model.ckpt-500');
    await page.getByRole('banner').getByRole('button', { name: 'Compare…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Compare with…' });
    await expect(dialog.getByRole('radio', { name: 'Another step of this run' })).toBeChecked();
    await dialog.getByRole('combobox', { name: 'Step to compare with' }).selectOption({ label: 'step 500' });
    await dialog.getByRole('button', { name: 'Compare', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    const cmp = comparePanel(page);
    await expect(cmp.root).toContainText('(step 1000)');
    await expect(cmp.root).toContainText('(step 500)');
    // Same graph in both steps: nothing listed, every node unchanged, the weights shown.
    const cli = frostDiffJSON(run, '--steps', '1000,500');
    await expect(cmp.count('unchanged')).toHaveText(String(cli.graph!.counts.unchanged));
    await expect(cmp.view('Weights')).toHaveAttribute('aria-selected', 'true');
    const c = cli.checkpoint!;
    expect(c.totals.changed).toBeGreaterThan(0);
    await expect(cmp.root.getByLabel('Checkpoint totals')).toContainText(`${c.totals.compared} variables compared, ${c.totals.changed} changed`);

    const fmt = (await import(pathToFileURL(join(repoDir, 'dist', 'shared', 'diff-format.js')).href)) as DiffFormat;
    await expect(cmp.weights.locator('[role="row"][data-variable]')).toHaveCount(c.variables.length);
    for (const v of c.variables) {
      const d = v.delta!;
      const cells = cmp.weights.locator(`[role="row"][data-variable="${v.key}"] [role="gridcell"]`);
      await expect(cells.nth(2), `${v.key} max abs`).toHaveText(fmt.formatDelta(d.maxAbs));
      await expect(cells.nth(3), `${v.key} mean abs`).toHaveText(fmt.formatDelta(d.meanAbs));
      await expect(cells.nth(4), `${v.key} rel L2`).toHaveText(fmt.formatDelta(d.relL2));
      await expect(cells.nth(5), `${v.key} cosine`).toHaveText(fmt.formatCosine(d.cosine));
      await expect(cells.nth(6), `${v.key} changed`).toHaveText(fmt.formatChangedPercent(d));
    }
    // Rows are heat-coloured by relative L2; the selected variable's deltas reach the properties.
    const hot = cmp.weights.locator('[role="row"][data-variable="hidden/weights"]');
    await expect(hot).toHaveAttribute('style', /color-mix/);
    await hot.click();
    const deltas = frost.properties.section('Comparison').getByLabel('Weight deltas');
    const w = c.variables.find((v) => v.key === 'hidden/weights')!.delta!;
    await expect(deltas).toContainText(fmt.formatDelta(w.relL2));
    await expect(deltas).toContainText(fmt.formatCosine(w.cosine));

    // Side by side: opening a group in pane A opens it in pane B; variables carry their weight heat.
    await cmp.view('Side by side').click();
    const paneA = page.getByRole('img', { name: 'Graph A drawing' });
    const paneB = page.getByRole('img', { name: 'Graph B drawing' });
    await paneA.locator('[data-group="hidden"][data-open="false"]').click();
    await expect(paneB.locator('[data-group="hidden"][data-open="true"]')).toBeVisible();
    // The variable node sits in its own scope (with its initializer and read).
    await paneA.locator('[data-group="hidden/weights"][data-open="false"]').click();
    await expect(paneB.locator('[data-group="hidden/weights"][data-open="true"]')).toBeVisible();
    for (const pane of [paneA, paneB]) {
      await expect(pane.locator('[data-node-name="hidden/weights"]')).toHaveClass(/gv-heat/);
      await expect(pane.locator('[data-node-name="hidden/weights"]')).toHaveAttribute('style', /--gv-heat/);
    }
    await expect(frost.alerts).toHaveCount(0);
  });

  test('two different graphs: renamed and changed nodes listed as frost diff says, partners selected across panes, merged in the overlay', async ({ frost, page }) => {
    const variant = join(run, 'variant', 'variant.pb');
    const cli = frostDiffJSON(run, variant);
    const counts = cli.graph!.counts;
    expect(counts).toMatchObject({ changed: 2, added: 0, removed: 0 });
    expect(counts.renamed).toBeGreaterThan(0);
    await page.goto(server?.url ?? '');
    await frost.waitFor('ready');
    await page.getByRole('banner').getByRole('button', { name: 'Compare…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Compare with…' });
    await dialog.getByRole('textbox', { name: /^Path to compare with/ }).fill(variant);
    await expect(dialog.getByRole('radio', { name: 'Another source' })).toBeChecked();
    await dialog.getByRole('button', { name: 'Compare', exact: true }).click();

    const cmp = comparePanel(page);
    await expect(cmp.root).toContainText('variant.pb');
    for (const k of KINDS) await expect(cmp.count(k), k).toHaveText(counts[k].toLocaleString('en'));
    await expect(cmp.list.locator('[role="row"][data-a="logits/MatMul"]')).toContainText('attrs transpose_a: false → true');
    await expect(cmp.list.locator('[role="row"][data-a="probabilities"]')).toContainText('device: ∅ → /device:GPU:0');
    const renamed = cmp.list.locator('[role="row"][data-a="hidden/weights"]');
    await expect(renamed).toHaveAttribute('data-b', 'fc1/weights');
    await expect(frost.alerts).toHaveCount(0);

    // Side by side: the renamed variable picked in the list is selected under its own name in each pane.
    await cmp.view('Side by side').click();
    const paneA = page.getByRole('img', { name: 'Graph A drawing' });
    const paneB = page.getByRole('img', { name: 'Graph B drawing' });
    await expect(paneB).toHaveAttribute('data-state', 'drawn');
    await renamed.click();
    await expect(paneA.locator('[data-node-name="hidden/weights"]')).toHaveClass(/gv-selected/);
    await expect(paneB.locator('[data-node-name="fc1/weights"]')).toHaveClass(/gv-selected/);
    await expect(paneB.locator('[data-node-name="fc1/weights"]')).toHaveClass(/gv-diff-renamed/);
    await expect(frost.properties.section('Comparison')).toContainText('in B as fc1/weights');

    // Overlay: one node for the renamed pair (A's name), the changed MatMul marked as changed.
    await cmp.view('Overlay').click();
    const overlay = page.getByRole('img', { name: 'Overlay drawing' });
    await expect(overlay.locator('[data-node-name="hidden/weights"]')).toHaveClass(/gv-diff-renamed/);
    await expect(overlay.locator('[data-node-name="fc1/weights"]')).toHaveCount(0);
    await page.keyboard.press('Escape');
    await cmp.list.locator('[role="row"][data-a="logits/MatMul"]').click();
    await expect(overlay.locator('[data-node-name="logits/MatMul"]')).toHaveClass(/gv-diff-changed/);
    await expect(frost.alerts).toHaveCount(0);
  });

  test('a running comparison can be cancelled, then closed (B is closed with it)', async ({ frost, page }) => {
    await page.goto(server?.url ?? '');
    await frost.waitFor('ready');
    // Hold the diff request until Cancel was sent: the server then starts the job already cancelled.
    let held: Route | undefined;
    await page.route('**/api/diff:run', (route) => {
      held = route;
    });
    await page.getByRole('banner').getByRole('button', { name: 'Compare…' }).click();
    await page.getByRole('dialog', { name: 'Compare with…' }).getByRole('button', { name: 'Compare', exact: true }).click();
    const cmp = comparePanel(page);
    await expect(cmp.root.getByRole('progressbar', { name: 'Comparing' })).toBeVisible();
    await expect.poll(() => held !== undefined).toBe(true);
    const cancelled = page.waitForResponse('**/api/job:cancel');
    await cmp.root.getByRole('button', { name: 'Cancel', exact: true }).click();
    await cancelled;
    await held!.continue();
    await expect(cmp.root.getByRole('status')).toHaveText('Comparison cancelled.');
    await expect(cmp.root.getByRole('progressbar', { name: 'Comparing' })).toHaveCount(0);
    await expect(frost.alerts).toHaveCount(0);
    const closed = page.waitForRequest((r) => r.url().includes('/api/source:close'));
    await cmp.root.getByRole('button', { name: 'Close comparison' }).click();
    await closed;
    await expect(cmp.tab).toHaveCount(0);
    await expect(page.getByRole('tablist', { name: 'Graph views' }).getByRole('tab', { name: 'Graph' })).toHaveAttribute('aria-selected', 'true');
  });
});
