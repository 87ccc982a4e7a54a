import { existsSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { z } from 'zod';
import { lineageGraph } from '../../src/audit/lineageGraph';
import { toHtml } from '../../src/audit/lineageHtml';
import { createMemoryEventLog } from '../../src/events/memory/memoryEventLog';
import { createRegistry, defineEntity } from '../../src/projections/defineEntity';
import { openProjectionStore } from '../../src/projections/projectionStore';
import { createPromoter } from '../../src/promoter/promoter';
import { openBranch } from '../../src/sdk/openBranch';
import { tempDir } from '../support/tempDir';

type Box = { width: number; height: number; top: number; bottom: number };

/** Debian's chromium package (`.ci/run` installs it); DRIFTLESS_CHROMIUM names another build. */
const CHROMIUM = process.env.DRIFTLESS_CHROMIUM ?? '/usr/bin/chromium';

const note = defineEntity({
  type: 'note',
  schema: z.strictObject({ a: z.number().optional(), b: z.string().optional() }),
  policies: { '/b': { rule: 'confidence' } },
});

/** Six versions; the last two merged branches that started four and two versions back. */
const graph = async () => {
  const log = createMemoryEventLog();
  const store = openProjectionStore(':memory:');
  const promoter = createPromoter({ log, store, registry: createRegistry([note]) });
  const entity = { type: 'note', id: 'N-1' };
  const early = [];
  for (let i = 0; i < 4; i += 1) {
    if (i === 1 || i === 3) early.push(await openBranch({ log, entity, phase: 'p', actor: 'x' }));
    await (await openBranch({ log, entity, phase: 'p', actor: 'y' })).set('/a', i).commit();
    await promoter.runOnce();
  }
  for (const [i, b] of early.entries())
    await b.set('/b', `late ${i}`, { confidence: 0.5 + i / 4 }).commit();
  await promoter.runOnce();
  await promoter.runOnce();
  return lineageGraph({ log, store, versionId: store.head(entity)!.versionId });
};

describe('lineage page', () => {
  const dir = tempDir('lineage-render');
  afterAll(() => (process.env.KEEP_RENDER ? undefined : dir.remove()));

  it('draws every version and edge in headless Chromium without any network', async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `no Chromium at ${CHROMIUM}: apt-get install chromium (as .ci/run does), or set DRIFTLESS_CHROMIUM`,
      );
    const g = await graph();
    expect(g.nodes).toHaveLength(6);
    const page = dir.file('lineage.html');
    writeFileSync(page, toHtml(g));
    const context = await chromium.launchPersistentContext(dir.file('profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const tab = await context.newPage();
      const requests: string[] = [];
      tab.on('request', (r) => requests.push(r.url()));
      await tab.goto(pathToFileURL(page).href);
      expect(requests).toEqual([pathToFileURL(page).href]);
      expect(await tab.title()).toBe(`Lineage of note/N-1 version ${g.versionId}`);
      // Page-side code as text: the tests are compiled without the DOM's types.
      const boxes = await tab.evaluate<Box[]>(
        `[...document.querySelectorAll('g.version rect')].map((r) => r.getBoundingClientRect().toJSON())`,
      );
      expect(boxes).toHaveLength(6);
      // Each box is drawn, one below the other, none overlapping the next.
      for (const [i, box] of boxes.entries()) {
        expect(box.width).toBeGreaterThan(200);
        expect(box.height).toBeGreaterThan(30);
        if (i > 0) expect(box.top).toBeGreaterThan(boxes[i - 1]!.bottom);
      }
      const edges = await tab.evaluate<{ arc: boolean; length: number }[]>(
        `[...document.querySelectorAll('g.edge path')].map((p) => ({ arc: p.parentElement.classList.contains('arc'), length: p.getTotalLength() }))`,
      );
      expect(edges).toHaveLength(g.edges.length);
      expect(edges.every((e) => e.length > 20)).toBe(true);
      expect(edges.filter((e) => e.arc)).toHaveLength(2);
      const text = (await tab.locator('svg').textContent()) ?? '';
      expect(text).toContain('v6');
      expect(text).toMatch(/confidence ×1/);
      const shot = await tab.screenshot({ fullPage: true, path: dir.file('lineage.png') });
      expect(shot.length).toBeGreaterThan(10_000);
    } finally {
      await context.close();
    }
  }, 60_000);
});
