// The fuzz targets under node:test, in bounded time: every saved crash input and every seed
// replayed, then each target fed arbitrary bytes and mutated seeds for up to ~2 s with fast-check.
// A target may return or throw H3Error; anything else fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { savedCrashes } from './run.js';
import { isExpectedError, seedCorpus, targets } from './targets.js';

function runTarget(name: string, input: Uint8Array): void {
  try {
    targets[name](input);
  } catch (err) {
    if (!isExpectedError(err)) throw err;
  }
}

test('every saved crash input now passes its target', { timeout: 30_000 }, () => {
  for (const { target, file, input } of savedCrashes()) {
    assert.ok(target in targets, `${file}: unknown target ${target}`);
    assert.doesNotThrow(() => runTarget(target, input), file);
  }
});

const seeds = seedCorpus();

test('every target has seeds, and every seed passes', () => {
  for (const name of Object.keys(targets)) {
    assert.ok((seeds[name] ?? []).length > 0, `no seeds for ${name}`);
    for (const input of seeds[name]) runTarget(name, input);
  }
});

// A seed with some bytes overwritten, some inserted and its tail cut at a random point.
function mutatedSeed(pool: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      seed: fc.constantFrom(...pool),
      writes: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      inserts: fc.array(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 9 })), { maxLength: 2 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
    })
    .map(({ seed, writes, inserts, cut }) => {
      let bytes = [...seed];
      for (const [at, value] of writes) if (bytes.length > 0) bytes[at % bytes.length] = value;
      for (const [at, run] of inserts) bytes.splice(at % (bytes.length + 1), 0, ...run);
      if (cut !== undefined) bytes = bytes.slice(0, cut % (bytes.length + 1));
      return Uint8Array.from(bytes);
    });
}

for (const name of Object.keys(targets)) {
  test(`fuzz ${name}: arbitrary and mutated inputs only ever throw H3Error`, { timeout: 30_000 }, () => {
    const input = fc.oneof(fc.uint8Array({ maxLength: 512 }), mutatedSeed(seeds[name]));
    fc.assert(
      fc.property(input, (bytes) => runTarget(name, bytes)),
      { numRuns: 3000, interruptAfterTimeLimit: 2000, markInterruptAsFailure: false },
    );
  });
}
