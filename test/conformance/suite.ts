// Runs a list of cases through every driver against one server: a describe per driver, an it per case.
// Drivers that cannot run here (no HTTP/3 curl, no HTTP/3 listener yet) are skipped with their reason.
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../support/start-server.js';
import type { Case, CaseContext } from './case.js';
import { ClientLimitation, type Driver, type ServerPorts } from './driver.js';
import { driverFactories } from './drivers/index.js';
import { prepareSite, type Site } from './site.js';

const CASE_CONCURRENCY = 4;

export function conformanceSuite(title: string, env: Record<string, string>, cases: readonly Case[]): void {
  describe(title, () => {
    let site: Site;
    let server: TestServer;
    let ports: ServerPorts;
    before(async () => {
      site = await prepareSite();
      server = await startServer({ RWS_CONFIG_ROOT: site.root, ...env });
      ports = { h1: server.ports.h1!, tls: server.ports.tls!, h3: server.ports.h3 };
    });
    after(async () => {
      await server?.close();
      await site?.remove();
    });

    for (const factory of driverFactories) {
      // Cases only read, so they may overlap: it hides curl's per-request process start-up.
      describe(factory.name, { concurrency: CASE_CONCURRENCY }, () => {
        let driver: Driver | undefined;
        let skip: string | undefined;
        before(async () => {
          skip = factory.unavailable(ports);
          if (skip === undefined) driver = await factory.create(ports);
        });
        after(async () => {
          await driver?.close();
        });
        for (const c of cases) {
          it(c.name, async (t) => {
            if (skip !== undefined) return t.skip(skip);
            if (c.only !== undefined && !c.only.includes(factory.protocol)) return t.skip(`${factory.protocol} has no such request form`);
            const ctx: CaseContext = { site, ports };
            try {
              await c.run(driver!, ctx);
            } catch (e) {
              if (e instanceof ClientLimitation) return t.skip(`${factory.name} cannot send it: ${e.message}`);
              throw e;
            }
          });
        }
      });
    }
  });
}
