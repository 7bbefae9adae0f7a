// NODE_OPTIONS values that load the process fixtures of test/fixtures/process into a spawned rws-edge.
// A file: URL, so a path with spaces survives NODE_OPTIONS' word splitting.
function importOption(name: string): string {
  return `--import=${new URL(`../fixtures/process/${name}.js`, import.meta.url).href}`;
}

export const slowListen = importOption('slow-listen');
export const throwOnSignal = importOption('throw-on-signal');
