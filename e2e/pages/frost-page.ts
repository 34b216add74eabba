/** Page objects for Frost's window: one per panel, so specs read like what a user does. */
import { expect, type Locator, type Page } from '@playwright/test';

export type WindowState = 'empty' | 'loading' | 'ready' | 'error';

export class TopBar {
  readonly banner: Locator;
  readonly pathField: Locator;
  readonly openButton: Locator;
  readonly recentButton: Locator;
  readonly themeToggle: Locator;
  constructor(page: Page) {
    this.banner = page.getByRole('banner');
    this.pathField = this.banner.getByRole('textbox', { name: /Path to open/ });
    this.openButton = this.banner.getByRole('button', { name: 'Open…' });
    this.recentButton = this.banner.getByRole('button', { name: 'Recent' });
    this.themeToggle = this.banner.getByRole('button', { name: /^Theme:/ });
  }
  async open(path: string): Promise<void> {
    await this.pathField.fill(path);
    await this.pathField.press('Enter');
  }
}

export class SourcePanel {
  readonly root: Locator;
  readonly checkpoints: Locator;
  readonly table: Locator;
  readonly filter: Locator;
  readonly heading: Locator;
  readonly verifyButton: Locator;
  readonly verifyProgress: Locator;
  readonly cancelButton: Locator;
  constructor(page: Page) {
    this.root = page.getByRole('navigation', { name: 'Source' });
    this.verifyButton = this.root.getByRole('button', { name: 'Verify checksums', exact: true });
    this.verifyProgress = this.root.getByRole('progressbar', { name: 'Verifying checksums' });
    this.cancelButton = this.root.getByRole('button', { name: 'Cancel', exact: true });
    this.checkpoints = this.root.getByRole('region', { name: /Checkpoints/ });
    this.table = this.root.getByRole('grid', { name: 'Checkpoint variables' });
    this.filter = this.root.getByRole('searchbox', { name: 'Filter variables' });
    this.heading = this.root.getByRole('heading', { name: /Variables/ });
  }
  row(name: string): Locator {
    return this.table.locator(`[role="row"][data-variable="${name}"]`);
  }
  rows(): Locator {
    return this.table.locator('[role="row"][data-variable]');
  }
  selectedRow(): Locator {
    return this.table.locator('[role="row"][aria-selected="true"]');
  }
  sortBy(column: 'Name' | 'DType' | 'Size'): Promise<void> {
    return this.table.getByRole('columnheader', { name: column }).getByRole('button').click();
  }
}

export class GraphPanel {
  readonly root: Locator;
  readonly search: Locator;
  readonly tree: Locator;
  constructor(page: Page) {
    this.root = page.getByRole('main', { name: 'Graph' });
    this.search = this.root.getByRole('searchbox', { name: 'Search nodes' });
    this.tree = this.root.getByRole('tree');
  }
  node(name: string): Locator {
    return this.tree.locator(`[data-node-name="${name}"]`);
  }
  group(name: string): Locator {
    return this.tree.locator(`[role="treeitem"][data-group="${name}"]`);
  }
  /** Types `query` into the search and returns the element of node `name` (default: the query). */
  async find(query: string, name = query): Promise<Locator> {
    await this.search.fill(query);
    return this.node(name);
  }
}

/** The centre panel's Graph tab: the drawn graph. */
export class GraphCanvasPanel {
  readonly tabs: Locator;
  readonly outlineTab: Locator;
  readonly graphTab: Locator;
  readonly svg: Locator;
  readonly fitButton: Locator;
  readonly zoomIn: Locator;
  readonly zoomOut: Locator;
  readonly zoomLevel: Locator;
  constructor(page: Page) {
    const root = page.getByRole('main', { name: 'Graph' });
    this.tabs = root.getByRole('tablist', { name: 'Graph views' });
    this.outlineTab = this.tabs.getByRole('tab', { name: 'Outline' });
    this.graphTab = this.tabs.getByRole('tab', { name: 'Graph' });
    this.svg = root.getByRole('img', { name: 'Graph drawing' });
    this.fitButton = root.getByRole('button', { name: 'Fit' });
    this.zoomIn = root.getByRole('button', { name: 'Zoom in' });
    this.zoomOut = root.getByRole('button', { name: 'Zoom out' });
    this.zoomLevel = root.getByLabel('Zoom level');
  }
  /** A closed group box (click to open) or an open group's frame. */
  group(name: string, open: boolean): Locator {
    return this.svg.locator(`[data-group="${name}"][data-open="${open}"]`);
  }
  /** Every group drawn, open or closed. */
  groups(): Locator {
    return this.svg.locator('[data-group]');
  }
  node(name: string): Locator {
    return this.svg.locator(`[data-node-name="${name}"]`);
  }
  nodesUnder(prefix: string): Locator {
    return this.svg.locator(`[data-node-name^="${prefix}"]`);
  }
  /** The header of open group `name` (click to close). */
  header(name: string): Locator {
    return this.group(name, true).getByRole('button', { name: `Collapse ${name}` });
  }
  /** The drawn view's search (Ctrl+F on the Graph tab) and its results. */
  get search(): Locator {
    return this.svg.page().getByRole('combobox', { name: 'Find in graph' });
  }
  result(name: string): Locator {
    return this.svg.page().getByRole('listbox', { name: 'Search results' }).locator(`[role="option"][data-node-name="${name}"]`);
  }
  button(name: string): Locator {
    return this.svg.page().getByRole('main', { name: 'Graph' }).getByRole('button', { name, exact: true });
  }
  get minimap(): Locator {
    return this.svg.page().getByRole('group', { name: 'Minimap' });
  }
  get legend(): Locator {
    return this.svg.page().getByRole('region', { name: 'Legend' });
  }
  get focusBar(): Locator {
    return this.svg.page().getByRole('status', { name: 'Focus mode' });
  }
}

export class PropertiesPanel {
  readonly root: Locator;
  readonly title: Locator;
  readonly histogram: Locator;
  readonly stats: Locator;
  readonly preview: Locator;
  constructor(page: Page) {
    this.root = page.getByRole('complementary', { name: 'Properties' });
    this.title = this.root.getByRole('heading', { level: 2 });
    this.histogram = this.root.getByRole('img', { name: /^Histogram of/ });
    this.stats = this.root.locator('dl[aria-label="Tensor statistics"]');
    this.preview = this.root.locator('pre');
  }
  section(name: string): Locator {
    return this.root.getByRole('region', { name });
  }
  stat(label: string): Locator {
    return this.stats.locator('.stat', { has: this.root.page().locator(`dt:text-is("${label}")`) }).locator('dd');
  }
}

export class FrostPage {
  readonly topBar: TopBar;
  readonly source: SourcePanel;
  readonly graph: GraphPanel;
  readonly canvas: GraphCanvasPanel;
  readonly properties: PropertiesPanel;
  readonly alerts: Locator;
  constructor(readonly page: Page) {
    this.topBar = new TopBar(page);
    this.source = new SourcePanel(page);
    this.graph = new GraphPanel(page);
    this.canvas = new GraphCanvasPanel(page);
    this.properties = new PropertiesPanel(page);
    this.alerts = page.getByRole('alert');
  }

  /** Loads the served app (which opens the fixture it was started on) and waits until ready. */
  async open(): Promise<void> {
    const url = process.env.FROST_E2E_URL;
    if (!url) throw new Error('FROST_E2E_URL is not set: the global setup did not start frost serve.');
    await this.page.goto(url);
    await this.waitFor('ready');
  }

  /** Waits for the window's explicit state marker (never for time). */
  async waitFor(state: WindowState): Promise<void> {
    await expect(this.page.locator('body')).toHaveAttribute('data-state', state);
  }
}
