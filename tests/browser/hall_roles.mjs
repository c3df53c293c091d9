// This file is part of onewindow.  The COPYRIGHT file at the top level of
// this repository contains the full copyright notices and license terms.
//
// Browser test of the web client (sao) at 1366×768 as the supervisor and as
// an approver of the demo:
//   node tests/browser/hall_roles.mjs URL DATABASE
// - the supervisor lands on the supervision board: its red panel lists only
//   red cards and its yellow panel only yellow ones (sao's board ignores the
//   domain of its actions: the actions carry it in their only tab);
// - the approver lands on his department's cases, on the tab of the cases
//   to sign for;
// - no login asks for /<database>/bus (trytond answers it with HTTP 501
//   when the bus is off) and the header names the user without "[CNY]".
// Screenshots go to tests/artifacts/.
import {
    artifact, browserTest, login, relative, settle, waitUntil,
} from './lib.mjs';

const NAME = 'hall_roles';
const BOARD = artifact('hall_roles_board.png');
const APPROVER = artifact('hall_roles_approver.png');
const PASSWORD = 'wengyuan-demo';

async function loginAt1366(page, test, user) {
    await page.setViewportSize({ width: 1366, height: 768 });
    const bus = [];
    page.on('request', (request) => {
        if (request.url().endsWith('/bus')) {
            bus.push(request.url());
        }
    });
    await login(page, test, user, PASSWORD);
    return bus;
}

async function checkHeader(page, test, user) {
    test.step = `read the header of ${user}`;
    const header = await page.locator('#user-preferences').innerText();
    if (!header.trim()) {
        throw new Error(`the header of ${user} is empty`);
    }
    if (header.includes('[')) {
        throw new Error(`the header of ${user} reads "${header.trim()}"`);
    }
    return header.trim();
}

async function main(page, test) {
    const supervisorBus = await loginAt1366(page, test, 'supervisor');

    test.step = 'wait for the supervision board and its panels';
    await waitUntil(page, test, 'the board panels are loaded',
        () => page.evaluate(() => {
            const tab = window.Sao && Sao.Tab.tabs.get_current();
            return Boolean(tab && tab.board && tab.board.actions.length >= 2
                && tab.board.actions.every((action) => action.screen
                    && action.screen.group));
        }));
    await settle(page, test, 500);
    const panels = await page.evaluate(() => Sao.Tab.tabs.get_current()
        .board.actions.filter((action) => action.screen.model_name
            === 'onewindow.card')
        .map((action) => ({
            name: action.action.name,
            colours: action.screen.group.map(
                (record) => record.field_get_client('colour')),
        })));
    if (panels.length !== 2) {
        throw new Error(`the board shows ${panels.length} card panels`);
    }
    const [red, yellow] = panels;
    for (const [panel, colour] of [[red, 'red'], [yellow, 'yellow']]) {
        test.step = `check the panel ${panel.name}`;
        if (!panel.colours.length) {
            throw new Error(`the panel ${panel.name} lists no card`);
        }
        const others = panel.colours.filter((c) => c !== colour);
        if (others.length) {
            throw new Error(`the panel ${panel.name} lists ${others.length} `
                + `cards that are not ${colour}: ${others.join(', ')}`);
        }
    }
    const supervisorHeader = await checkHeader(page, test, 'supervisor');
    await page.screenshot({ path: BOARD });
    test.log(`ok, the board lists ${red.colours.length} red and `
        + `${yellow.colours.length} yellow cards, each in its panel; `
        + `header "${supervisorHeader}"; screenshot ${relative(BOARD)}`);

    const approverPage = await test.newPage();
    await test.usePage(approverPage);
    const approverBus = await loginAt1366(approverPage, test, 'approver');
    test.step = 'wait for the department cases of the approver';
    await waitUntil(approverPage, test, 'the case list is open',
        () => approverPage.evaluate(() => {
            const tab = window.Sao && Sao.Tab.tabs.get_current();
            return Boolean(tab && tab.screen
                && tab.screen.model_name === 'onewindow.case');
        }));
    await settle(approverPage, test, 500);
    const active = await approverPage.evaluate(() => {
        const container = Sao.Tab.tabs.get_current().screen.screen_container;
        return {
            index: container.get_tab_index(),
            text: container.tab.find('li.active').text().trim(),
            count: Sao.Tab.tabs.get_current().screen.group.length,
        };
    });
    if (active.index !== 0 || !active.text.startsWith('待签收')) {
        throw new Error(`the approver lands on the tab "${active.text}" `
            + `(${active.index}), not on 待签收`);
    }
    const approverHeader = await checkHeader(approverPage, test, 'approver');
    await approverPage.screenshot({ path: APPROVER });
    test.log(`ok, the approver lands on "${active.text}" with `
        + `${active.count} cases; header "${approverHeader}"; screenshot `
        + `${relative(APPROVER)}`);

    test.step = 'count the requests to the bus';
    const bus = supervisorBus.concat(approverBus);
    if (bus.length) {
        throw new Error(`sao asked for the bus ${bus.length} times: ${bus[0]}`);
    }
}

await browserTest(NAME, main);
