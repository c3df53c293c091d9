// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the web client (sao) as a window clerk:
//   node tests/browser/clerk_windows.mjs URL DATABASE
// logs in as the demo clerk through sao's login dialog, opens the menu
// 服务大厅 → 窗口 (model onewindow.window) and checks that the list shows the
// Wengyuan windows.  Screenshots go to tests/artifacts/.  Exits non-zero with a
// message (and a screenshot of the page) on any failure.
//
// The browser, the login and the reports of failures are those of lib.mjs.
import {
    artifact, browserTest, currentPane, login, oneLine, openMenu, relative,
} from './lib.mjs';

const NAME = 'clerk_windows';
const SCREENSHOT = artifact('clerk_windows.png');

const LOGIN = 'clerk';
const PASSWORD = 'wengyuan-demo';
const MENU = ['服务大厅', '窗口'];
const MODEL = 'onewindow.window';
const EXPECTED = '综合服务窗口';

async function main(page, test) {
    await login(page, test, LOGIN, PASSWORD);
    await openMenu(page, test, MENU, MODEL, LOGIN);

    test.step = `wait for the ${MODEL} list`;
    const pane = currentPane(page);
    const rows = pane.locator('table.tree > tbody > tr');
    await rows.first().waitFor({ state: 'visible' });

    test.step = `look for the window "${EXPECTED}" in the list`;
    const list = pane.locator('table.tree > tbody');
    const cell = list.getByText(EXPECTED, { exact: true }).first();
    try {
        await cell.waitFor({ state: 'visible' });
    } catch (error) {
        const shown = (await rows.allInnerTexts()).map(oneLine).filter(Boolean);
        throw new Error(`the list does not show "${EXPECTED}"; its rows are:\n  `
            + (shown.length ? shown.join('\n  ') : '(none)'));
    }
    // The text may be a zone's: it must be the name of one of the listed windows.
    const names = await page.evaluate(() => Sao.Tab.tabs.get_current().screen.group
        .map((record) => record.field_get_client('name')));
    if (!names.includes(EXPECTED)) {
        throw new Error(`no window of the list is named "${EXPECTED}"; `
            + `their names are: ${names.join(', ')}`);
    }
    await cell.scrollIntoViewIfNeeded();
    // Let the last images and fonts arrive before the picture.
    await page.waitForLoadState('networkidle').catch(() => {});

    test.step = 'save the screenshot';
    await page.screenshot({ path: SCREENSHOT });
    test.log(`ok, ${LOGIN} sees ${names.length} windows including `
        + `"${EXPECTED}"; screenshot ${relative(SCREENSHOT)}`);
}

await browserTest(NAME, main);
