import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openInBrowser, planBrowser } from '../../../src/cli/browser.js';

test('a browser opens where a person can see it; elsewhere the URL is shown with the reason', () => {
  const desktop = { DISPLAY: ':0' };
  assert.deepEqual(planBrowser(desktop, 'linux', false), { kind: 'open' });
  assert.deepEqual(planBrowser({ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', false), { kind: 'open' });
  assert.deepEqual(planBrowser({}, 'darwin', false), { kind: 'open' });
  assert.deepEqual(planBrowser({}, 'win32', false), { kind: 'open' });
  assert.deepEqual(planBrowser({ WSL_DISTRO_NAME: 'Debian' }, 'linux', false), { kind: 'open' }, 'WSL: the Windows browser, through open');
  assert.deepEqual(planBrowser(desktop, 'linux', true), { kind: 'show' }, '--no-browser');
  assert.match(JSON.stringify(planBrowser({}, 'linux', false)), /"show".*no graphical display/);
  assert.match(JSON.stringify(planBrowser({ ...desktop, SSH_CONNECTION: '1 2 3 4' }, 'linux', false)), /SSH session/);
  assert.match(JSON.stringify(planBrowser({ SSH_TTY: '/dev/pts/1' }, 'darwin', false)), /SSH session/);
  assert.match(JSON.stringify(planBrowser({ ...desktop, CI: 'true' }, 'linux', false)), /CI job/);
  assert.deepEqual(planBrowser({ ...desktop, CI: 'false' }, 'linux', false), { kind: 'open' });
  assert.deepEqual(planBrowser({ BROWSER: 'wslview --x', SSH_TTY: 'x' }, 'linux', false), { kind: 'command', command: ['wslview', '--x'] }, '$BROWSER wins');
});

test('a browser command that cannot start is reported, not thrown', async () => {
  const failure = await openInBrowser('http://localhost/', { kind: 'command', command: ['/nonexistent/azsess-browser'] });
  assert.match(failure ?? '', /\$BROWSER \(\/nonexistent\/azsess-browser\) did not start: ENOENT/);
});
