import { describe, expect, it } from 'vitest';
import type { AlertLink } from '../../../src/model/alert.js';
import { annotationExtras } from '../../../src/sources/annotation-extras.js';

describe('annotationExtras', () => {
  it('makes link annotations links, each URL once (the first name wins), and the rest fields', () => {
    const links: AlertLink[] = [{ title: 'Source', url: 'http://prom.example/graph' }];
    const fields = annotationExtras(
      { summary: 'Disk full', impact: 'writes fail', grafana: 'http://grafana.example/d/1', again: 'http://grafana.example/d/1', source: 'http://prom.example/graph', __dashboardUid__: 'x' },
      { title: 'Disk full', message: '' },
      links,
    );
    expect(fields).toEqual([{ name: 'impact', value: 'writes fail' }]);
    expect(links).toEqual([{ title: 'Source', url: 'http://prom.example/graph' }, { title: 'grafana', url: 'http://grafana.example/d/1' }]);
  });

  // Each link annotation was checked against every link before it: an alert with 100,000 of them (2 MB)
  // held the event loop over a minute, and again when the memory queue parsed the body back. Counted as
  // reads of the link list, which must grow with the annotations, not with their square.
  it('reads the link list a bounded number of times per annotation', () => {
    let reads = 0;
    const links = new Proxy<AlertLink[]>([], { get: (t, key, receiver) => (reads++, Reflect.get(t, key, receiver)) });
    const annotations = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`link_${i}`, `http://runbooks.example/${i}`]));
    annotationExtras(annotations, { title: 't', message: 'm' }, links);
    expect(links).toHaveLength(5000);
    expect(links[4999]).toEqual({ title: 'link_4999', url: 'http://runbooks.example/4999' });
    expect(reads).toBeLessThan(20 * 5000);
  });
});
