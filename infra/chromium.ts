// Debian's Chromium, as the browser checks drive it (infra/install-test-packages.sh installs it).

/** The Chromium binary: SWNAS_CHROMIUM, default /usr/bin/chromium. */
export const CHROMIUM_PATH = process.env.SWNAS_CHROMIUM ?? '/usr/bin/chromium';

/** Headless flags that also keep Chromium off the network, which is closed on these machines. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
