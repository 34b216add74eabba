import { readFileSync } from 'node:fs';
import { expect, test } from './fixtures.js';

test.describe('opening a checkpoint folder', () => {
  test('shows the steps, the variables and the graph of the served fixture', async ({ frost, page }) => {
    await frost.open();
    // The token is gone from the address bar (it must not leak into screenshots).
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await expect(page).toHaveTitle('iris-estimator-queues-2shards — Frost');

    await expect(frost.topBar.pathField).toHaveValue(process.env.FROST_E2E_FIXTURE!);
    const steps = frost.source.checkpoints;
    await expect(steps.getByRole('button', { name: /step 2,500/ })).toHaveAttribute('aria-current', 'true');
    await expect(steps.getByRole('button', { name: /step 0/ })).toBeDisabled();
    await expect(steps.getByRole('button', { name: /step 0/ })).toContainText('files missing');

    await expect(frost.source.heading).toContainText('17');
    await expect(frost.source.row('dnn/hiddenlayer_0/kernel')).toBeVisible();
    await expect(frost.source.row('dnn/hiddenlayer_0/kernel')).toContainText('[4, 10]');
    await expect(frost.source.row('global_step')).toContainText('int64');

    await expect(frost.graph.root).toContainText('744 nodes');
    await expect(frost.graph.group('dnn')).toHaveAttribute('aria-expanded', 'false');
    await expect(frost.graph.group('enqueue_input')).toContainText('queue pipeline');
  });

  test('a reload of the tab keeps working without the token in the address bar', async ({ frost, page }) => {
    await frost.open();
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await page.reload();
    await expect(frost.source.row('dnn/hiddenlayer_0/kernel')).toBeVisible();
    await expect(page.getByText('needs its access token')).toHaveCount(0);
  });

  test('a bad path shows a readable, dismissible error and keeps the open source', async ({ frost, page }) => {
    await frost.open();
    await frost.topBar.open('/definitely/not/here');
    await frost.waitFor('error');
    const alert = frost.alerts.first();
    await expect(alert).toContainText('Could not open /definitely/not/here');
    await expect(alert).toContainText('/definitely/not/here');
    await expect(frost.source.row('dnn/hiddenlayer_0/kernel')).toBeVisible();
    await alert.getByRole('button', { name: /^Dismiss error/ }).click();
    await expect(frost.alerts).toHaveCount(0);
    await frost.waitFor('ready');
    await expect(page.locator('body')).toHaveAttribute('data-state', 'ready');
  });

  test('a missing file inside an allowed folder names the problem', async ({ frost }) => {
    await frost.open();
    await frost.topBar.open(`${process.env.FROST_E2E_FIXTURE}/model.ckpt-0`);
    await frost.waitFor('error');
    await expect(frost.alerts.first()).toContainText('model.ckpt-0');
  });

  test('re-opens the folder from the recent list', async ({ frost, page }) => {
    await frost.open();
    await frost.topBar.recentButton.click();
    const menu = page.getByRole('menu', { name: 'Recent sources' });
    await expect(menu).toBeVisible();
    await menu.getByRole('menuitem', { name: /iris-estimator-queues-2shards/ }).first().click();
    await expect(menu).toBeHidden();
    await frost.waitFor('ready');
  });

  test('clicking the current step re-opens the source at that step', async ({ frost }) => {
    await frost.open();
    await frost.source.checkpoints.getByRole('button', { name: /step 2,500/ }).click();
    await frost.waitFor('ready');
    await expect(frost.source.row('dnn/logits/kernel')).toBeVisible();
  });
});

test.describe('graph area', () => {
  test('search finds a node; clicking it shows its properties; input links select other nodes', async ({ frost }) => {
    await frost.open();
    const probabilities = await frost.graph.find('probabilities', 'dnn/head/predictions/probabilities');
    await expect(probabilities).toBeVisible();
    await expect(probabilities).toHaveAttribute('role', 'treeitem');
    await expect(frost.graph.root).toContainText('1 match of 744');

    await probabilities.click();
    await expect(probabilities).toHaveAttribute('aria-selected', 'true');
    await expect(frost.properties.title).toHaveText('dnn/head/predictions/probabilities');
    await expect(frost.properties.root).toContainText('Softmax');
    await expect(frost.properties.section('Outputs')).toContainText('float32 [128, 3]');

    await frost.graph.search.fill('');
    await frost.properties.section('Inputs').getByRole('button', { name: 'dnn/logits/BiasAdd' }).click();
    await expect(frost.properties.title).toHaveText('dnn/logits/BiasAdd');
    // The outline opened the node's group and scrolled the node (row 200-odd of dnn) into view.
    await expect(frost.graph.node('dnn/logits/BiasAdd')).toBeInViewport();
    await expect(frost.graph.node('dnn/logits/BiasAdd')).toHaveAttribute('aria-selected', 'true');
  });

  test('groups expand and collapse; pipeline ops are marked', async ({ frost }) => {
    await frost.open();
    const group = frost.graph.group('enqueue_input');
    await group.click();
    await expect(group).toHaveAttribute('aria-expanded', 'true');
    const queue = frost.graph.node('enqueue_input/random_shuffle_queue');
    await expect(queue).toBeVisible();
    await expect(queue).toHaveClass(/pipeline/);
    await expect(queue).toContainText('RandomShuffleQueueV2');
    await group.click();
    await expect(queue).toHaveCount(0);

    await frost.graph.root.getByRole('button', { name: 'Expand all' }).click();
    await expect(frost.graph.group('dnn')).toHaveAttribute('aria-expanded', 'true');
    await frost.graph.root.getByRole('button', { name: 'Collapse all' }).click();
    await expect(frost.graph.group('dnn')).toHaveAttribute('aria-expanded', 'false');
  });

  test('a variable node shows its checkpoint value', async ({ frost }) => {
    await frost.open();
    await (await frost.graph.find('hiddenlayer_0/kernel/part_0', 'dnn/hiddenlayer_0/kernel/part_0')).click();
    await expect(frost.properties.title).toHaveText('dnn/hiddenlayer_0/kernel/part_0');
    await expect(frost.properties.root).toContainText('VarHandleOp');
    await expect(frost.properties.histogram).toBeVisible();
    await expect(frost.source.selectedRow()).toHaveAttribute('data-variable', 'dnn/hiddenlayer_0/kernel');
  });
});

test.describe('variables table', () => {
  test('clicking a variable shows its statistics, histogram and values', async ({ frost }) => {
    await frost.open();
    await frost.source.row('dnn/hiddenlayer_0/kernel').click();
    await expect(frost.source.row('dnn/hiddenlayer_0/kernel')).toHaveAttribute('aria-selected', 'true');
    await expect(frost.properties.title).toHaveText('dnn/hiddenlayer_0/kernel');
    await expect(frost.properties.stat('dtype')).toHaveText('float32');
    await expect(frost.properties.stat('shape')).toHaveText('[4, 10]');
    await expect(frost.properties.stat('elements')).toHaveText('40');
    await expect(frost.properties.stat('min')).toHaveText('-0.639996');
    await expect(frost.properties.stat('max')).toHaveText('1.10723');
    await expect(frost.properties.histogram).toHaveAttribute('aria-label', /Histogram of 40 values in 30 bins/);
    await expect(frost.properties.histogram.locator('rect')).toHaveCount(30);
    await expect(frost.properties.preview).toContainText('[[0.60538775, -0.49629983');
    await expect(frost.properties.section('Graph nodes')).toContainText('dnn/hiddenlayer_0/kernel/part_0');

    // Save as .npy: a browser download of a NumPy file with the variable's dtype, shape and values.
    const [download] = await Promise.all([frost.page.waitForEvent('download'), frost.properties.root.getByRole('button', { name: 'Save as .npy' }).click()]);
    expect(download.suggestedFilename()).toBe('dnn_hiddenlayer_0_kernel.npy');
    const bytes = readFileSync((await download.path()) as string);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    const headerLen = bytes.readUInt16LE(8);
    expect(bytes.subarray(10, 10 + headerLen).toString('latin1')).toContain("'descr': '<f4', 'fortran_order': False, 'shape': (4, 10)");
    expect(bytes.length).toBe(10 + headerLen + 40 * 4);
    expect(bytes.readFloatLE(10 + headerLen)).toBeCloseTo(0.60538775, 6);
    await expect(frost.properties.root.getByRole('status')).toHaveText('Downloaded.');
  });

  test('filters and sorts', async ({ frost }) => {
    await frost.open();
    await frost.source.filter.fill('adagrad');
    await expect(frost.source.rows()).toHaveCount(8);
    await expect(frost.source.heading).toContainText('8 of 17');
    await frost.source.filter.fill('int64');
    await expect(frost.source.rows()).toHaveCount(1);
    await frost.source.filter.fill('');

    await frost.source.sortBy('Size');
    await expect(frost.source.table.getByRole('columnheader', { name: 'Size' })).toHaveAttribute('aria-sort', 'descending');
    await expect(frost.source.rows().first()).toHaveAttribute('data-variable', /hiddenlayer_2\/kernel/);
    await frost.source.sortBy('Size');
    await expect(frost.source.rows().first()).toHaveAttribute('data-variable', 'global_step');
  });

  test('arrow keys move the selection', async ({ frost, page }) => {
    await frost.open();
    await frost.source.row('dnn/hiddenlayer_0/bias').click();
    await page.keyboard.press('ArrowDown');
    await expect(frost.source.selectedRow()).toHaveAttribute('data-variable', 'dnn/hiddenlayer_0/bias/t_0/Adagrad');
    await page.keyboard.press('End');
    await expect(frost.source.selectedRow()).toHaveAttribute('data-variable', 'global_step');
    await expect(frost.properties.title).toHaveText('global_step');
    await page.keyboard.press('ArrowUp');
    await expect(frost.source.selectedRow()).toHaveAttribute('data-variable', 'dnn/logits/kernel/t_0/Adagrad');
  });
});

test.describe('keyboard and theme', () => {
  test('Ctrl+O focuses the path field, Ctrl+F the search, Escape clears the selection', async ({ frost, page }) => {
    await frost.open();
    await frost.source.row('global_step').click();
    await expect(frost.properties.title).toHaveText('global_step');
    await page.keyboard.press('Escape');
    await expect(frost.source.selectedRow()).toHaveCount(0);
    await expect(frost.properties.title).toHaveText('Checkpoint folder');

    await page.keyboard.press('Control+o');
    await expect(frost.topBar.pathField).toBeFocused();
    await page.keyboard.press('Control+f');
    await expect(frost.graph.search).toBeFocused();
  });

  test('the graph tree is operable with the keyboard', async ({ frost, page }) => {
    await frost.open();
    await frost.graph.group('enqueue_input').click();
    await page.keyboard.press('ArrowDown');
    await expect(frost.graph.tree.locator('[aria-selected="true"]')).toHaveAttribute('data-node-name', /^enqueue_input\//);
    await expect(frost.properties.title).toHaveText(/^enqueue_input\//);
    await page.keyboard.press('ArrowLeft');
    await expect(frost.graph.group('enqueue_input')).toBeFocused();
    await page.keyboard.press('ArrowLeft');
    await expect(frost.graph.group('enqueue_input')).toHaveAttribute('aria-expanded', 'false');
  });

  test('the theme follows the system and can be overridden (and is remembered)', async ({ frost, page }) => {
    await frost.open();
    const html = page.locator('html');
    await expect(html).not.toHaveAttribute('data-theme');
    await frost.topBar.themeToggle.click();
    await expect(html).toHaveAttribute('data-theme', 'light');
    await frost.topBar.themeToggle.click();
    await expect(html).toHaveAttribute('data-theme', 'dark');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(17, 19, 23)');
    await expect.poll(() => page.evaluate(() => JSON.parse(localStorage.getItem('frost.ui.v1') ?? '{}').theme)).toBe('dark');
  });

  test('Ctrl+B / Ctrl+I hide and show the side panels; Ctrl+/ lists the shortcuts', async ({ frost, page }) => {
    await frost.open();
    await page.keyboard.press('Control+b');
    await expect(frost.source.root).toHaveCount(0);
    await page.keyboard.press('Control+i');
    await expect(frost.properties.root).toHaveCount(0);
    await page.keyboard.press('Control+b');
    await page.keyboard.press('Control+i');
    await expect(frost.source.root).toBeVisible();
    await expect(frost.properties.root).toBeVisible();

    await page.keyboard.press('Control+/');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText('Search nodes');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
  });

  test('landmarks and labelled panels', async ({ page, frost }) => {
    await frost.open();
    for (const [role, name] of [
      ['banner', undefined],
      ['navigation', 'Source'],
      ['main', 'Graph'],
      ['complementary', 'Properties'],
    ] as const) {
      await expect(page.getByRole(role, name ? { name } : {})).toHaveCount(1);
    }
  });
});
